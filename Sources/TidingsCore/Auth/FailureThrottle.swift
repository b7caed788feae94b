import Foundation
import Synchronization

/// Slows down guessing: failed authentications are counted per client
/// address and per username, and past a number of free failures each further one is refused
/// for an exponentially growing time (429 with `Retry-After`).
///
/// Designed so that an attacker cannot lock the real user out:
/// - a request whose credentials verify is never throttled (callers check only before costly
///   work such as a password hash, when answering a failure, and on the very connection that
///   made the failures while its address waits);
/// - an address is throttled for its own failures, so a flood from one address leaves every
///   other address alone;
/// - a username under attack from many addresses is throttled only at the addresses that have
///   already failed for it: the real user, from an address with no failures, still gets in.
///
/// Counts live in memory (per instance) and are bounded: the oldest keys are dropped first.
public final class FailureThrottle: Sendable {
    /// Where the failure happened; each has its own counts.
    public enum Scope: String, Sendable {
        case login, api, leakReport
    }

    /// Thresholds of one scope.
    public struct Limits: Sendable, Equatable {
        /// Failures an address may make before it is slowed down.
        public var perAddress: Int
        /// Failures an address may make for one username.
        public var perUsernameAndAddress: Int
        /// Failures for one username, from all addresses together, past which every further
        /// failure for it slows its address down at once (a distributed attack on one account).
        /// Addresses that have not failed for it are untouched.
        public var perUsername: Int
        /// A key's count is forgotten after this long without failures.
        public var window: TimeInterval
        /// The first back-off, doubled for each further failure, up to `maximumBackoff`.
        public var initialBackoff: TimeInterval
        public var maximumBackoff: TimeInterval

        public init(
            perAddress: Int, perUsernameAndAddress: Int, perUsername: Int, window: TimeInterval = 900,
            initialBackoff: TimeInterval = 1, maximumBackoff: TimeInterval = 900
        ) {
            self.perAddress = perAddress
            self.perUsernameAndAddress = perUsernameAndAddress
            self.perUsername = perUsername
            self.window = window
            self.initialBackoff = initialBackoff
            self.maximumBackoff = maximumBackoff
        }

        public static let login = Limits(perAddress: 20, perUsernameAndAddress: 5, perUsername: 50)
        public static let api = Limits(perAddress: 50, perUsernameAndAddress: 10, perUsername: 200)
        public static let leakReport = Limits(perAddress: 10, perUsernameAndAddress: 10, perUsername: .max)
    }

    private struct Key: Hashable {
        enum Kind: UInt8 { case address, pair, username }
        let scope: Scope
        let kind: Kind
        let address: IPAddress?
        let username: String?
    }

    private struct Count {
        var failures: Int
        var lastFailure: Date
        var blockedUntil: Date?
    }

    private let counts = Mutex<[Key: Count]>([:])
    private let loginLimits: Limits
    private let apiLimits: Limits
    private let leakReportLimits: Limits
    private let capacity: Int

    public init(
        limits: [Scope: Limits] = [.login: .login, .api: .api, .leakReport: .leakReport], capacity: Int = 100_000
    ) {
        // A scope left out gets the API's limits.
        loginLimits = limits[.login] ?? .api
        apiLimits = limits[.api] ?? .api
        leakReportLimits = limits[.leakReport] ?? .api
        self.capacity = capacity
    }

    /// Seconds to wait before `address` (for `username`) may try again in `scope`, or `nil`.
    public func retryAfter(_ scope: Scope, address: IPAddress?, username: String?, at now: Date) -> Int? {
        let limits = limit(scope)
        let keys = keys(scope, address: address, username: username)
        let wait = counts.withLock { counts in
            max(remainingWait(keys.address, in: counts, now, limits), remainingWait(keys.pair, in: counts, now, limits))
        }
        return Self.seconds(wait)
    }

    /// Seconds `address` must still wait in `scope` for its own failures, whatever the username,
    /// or `nil`. One lock and one hash lookup: for answering a connection that keeps failing.
    public func addressWait(_ scope: Scope, address: IPAddress, at now: Date) -> Int? {
        let limits = limit(scope)
        let key = Key(scope: scope, kind: .address, address: address, username: nil)
        return Self.seconds(counts.withLock { counts in remainingWait(key, in: counts, now, limits) })
    }

    /// How long `key` is still blocked at `now` (0: not blocked).
    private func remainingWait(_ key: Key?, in counts: [Key: Count], _ now: Date, _ limits: Limits) -> TimeInterval {
        guard let key, let until = active(counts[key], now, limits)?.blockedUntil, until > now else { return 0 }
        return until.timeIntervalSince(now)
    }

    /// A wait as `Retry-After` seconds, rounded up; `nil` for none.
    private static func seconds(_ wait: TimeInterval) -> Int? {
        wait > 0 ? Int(wait.rounded(.up)) : nil
    }

    /// Records a failure; returns the seconds to wait when this failure crossed a threshold.
    @discardableResult
    public func fail(_ scope: Scope, address: IPAddress?, username: String?, at now: Date) -> Int? {
        record(scope, address: address, username: username, at: now).retryAfter
    }

    /// What one failure did.
    public struct Verdict: Sendable, Equatable {
        /// Seconds to wait, when this failure is over a threshold.
        public let retryAfter: Int?
        /// The address (or the username at it) was already throttled before this failure.
        public let wasThrottled: Bool
    }

    /// Records a failure and says whether the caller was throttled before it: one lock and one
    /// hash lookup per key, for the path that answers floods.
    public func record(_ scope: Scope, address: IPAddress?, username: String?, at now: Date) -> Verdict {
        let limits = limit(scope)
        let keys = keys(scope, address: address, username: username)
        return counts.withLock { counts in
            if counts.count >= capacity { Self.evict(&counts, now: now, keeping: capacity / 2) }
            // The username first: its count (which never blocks by itself) decides whether the
            // username is under attack, which takes away the pair's free failures.
            var usernameUnderAttack = false
            if let key = keys.username {
                let counted = Self.count(
                    &counts[key, default: Count(failures: 0, lastFailure: now)], now, limits, free: .max)
                usernameUnderAttack = counted.failures > limits.perUsername
            }
            var wait: TimeInterval = 0
            var wasThrottled = false
            /// Counts the failure against a key that stops this caller once blocked.
            func countBlocking(_ key: Key?, free: Int) {
                guard let key else { return }
                let counted = Self.count(
                    &counts[key, default: Count(failures: 0, lastFailure: now)], now, limits, free: free)
                wasThrottled = wasThrottled || counted.wasBlocked
                wait = max(wait, counted.backoff ?? 0)
            }
            countBlocking(keys.address, free: limits.perAddress)
            countBlocking(keys.pair, free: usernameUnderAttack ? 0 : limits.perUsernameAndAddress)
            return Verdict(retryAfter: Self.seconds(wait), wasThrottled: wasThrottled)
        }
    }

    /// Counts one failure in `count`, in place (a count past its window starts again); past `free`
    /// failures, blocks it for a back-off that doubles with each further failure.
    private static func count(
        _ count: inout Count, _ now: Date, _ limits: Limits, free: Int
    ) -> (failures: Int, backoff: TimeInterval?, wasBlocked: Bool) {
        if !isActive(count, now, limits) { count = Count(failures: 0, lastFailure: now) }
        let wasBlocked = count.blockedUntil.map { $0 > now } ?? false
        count.failures += 1
        count.lastFailure = now
        guard count.failures > free else { return (count.failures, nil, wasBlocked) }
        let excess = min(count.failures - free - 1, 30)
        let backoff = min(limits.initialBackoff * pow(2, Double(excess)), limits.maximumBackoff)
        count.blockedUntil = now.addingTimeInterval(backoff)
        return (count.failures, backoff, wasBlocked)
    }

    /// Forgets the failures of `username` at `address` (after a successful login there).
    public func succeed(_ scope: Scope, address: IPAddress?, username: String?) {
        let keys = keys(scope, address: address, username: username)
        counts.withLock { counts in
            if let pair = keys.pair { counts[pair] = nil }
        }
    }

    private func limit(_ scope: Scope) -> Limits {
        switch scope {
        case .login: return loginLimits
        case .api: return apiLimits
        case .leakReport: return leakReportLimits
        }
    }

    private func keys(
        _ scope: Scope, address: IPAddress?, username: String?
    ) -> (
        address: Key?, pair: Key?, username: Key?
    ) {
        let name = username.map(Self.normalized)
        return (
            address.map { Key(scope: scope, kind: .address, address: $0, username: nil) },
            name.map { Key(scope: scope, kind: .pair, address: address, username: $0) },
            name.map { Key(scope: scope, kind: .username, address: nil, username: $0) }
        )
    }

    /// A username as counted: case-folded and at most 256 bytes. Names that are already lower-case
    /// ASCII (nearly all) are used as they are, without a new string.
    private static func normalized(_ username: String) -> String {
        let utf8 = username.utf8
        if utf8.count <= 256, !utf8.contains(where: { $0 >= 0x80 || ($0 >= 0x41 && $0 <= 0x5A) }) { return username }
        return utf8.count <= 256 ? username.lowercased() : String(username.prefix(256)).lowercased()
    }

    /// A count that has not expired (no failure within the window and no block in force).
    private func active(_ count: Count?, _ now: Date, _ limits: Limits) -> Count? {
        guard let count, Self.isActive(count, now, limits) else { return nil }
        return count
    }

    private static func isActive(_ count: Count, _ now: Date, _ limits: Limits) -> Bool {
        now.timeIntervalSince(count.lastFailure) <= limits.window || (count.blockedUntil ?? .distantPast) > now
    }

    private static func evict(_ counts: inout [Key: Count], now: Date, keeping: Int) {
        let newest = counts.sorted { $0.value.lastFailure > $1.value.lastFailure }.prefix(keeping)
        counts = Dictionary(uniqueKeysWithValues: newest.map { ($0.key, $0.value) })
    }
}
