import Foundation
import NIOCore
import NIOPosix
import Synchronization
import TidingsCore

/// Where password hashes are computed: threads of their own, never NIO's shared blocking pool
/// (whose threads also run SQLite's queries), at a lower scheduling priority than the rest of the
/// server, with a bounded number of checks waiting for them. A check past that bound is refused
/// at once with `TidingsError.passwordCheckBusy`: a flood of password guesses can slow down
/// other password checks, never queries or token requests.
final class PasswordCheckPool: Sendable {
    /// Hashing threads by default: every CPU but one, which stays for everything else.
    static var defaultThreads: Int { max(1, System.coreCount - 1) }
    /// Checks that may wait for a thread, per thread, by default.
    static let defaultWaitingPerThread = 4
    /// The nice value of the hashing threads (Linux, where it is a per-thread setting).
    static let niceness: Int32 = 10

    /// Checks admitted at once: running and waiting.
    let capacity: Int
    private let threads: NIOThreadPool
    private let admitted = Atomic<Int>(0)
    /// How long checks took of late, from admission to answer (a moving average, nanoseconds).
    private let recentNanoseconds: Atomic<Int>

    /// `threads` hashing threads and, beyond those running, `waiting` checks queued;
    /// `typical`: how long one check takes, until checks have been timed.
    init(threads: Int = defaultThreads, waiting: Int? = nil, typical: Duration) {
        let threadCount = max(1, threads)
        capacity = threadCount + max(0, waiting ?? threadCount * Self.defaultWaitingPerThread)
        self.threads = NIOThreadPool(numberOfThreads: threadCount)
        self.threads.start()
        recentNanoseconds = Atomic(Self.nanoseconds(typical))
    }

    deinit {
        threads.shutdownGracefully { _ in }
    }

    /// Whether a check asked for now would be refused.
    var isBusy: Bool { admitted.load(ordering: .relaxed) >= capacity }

    /// Runs `work` on a hashing thread, or throws `passwordCheckBusy` at once when every slot
    /// (running or waiting) is taken.
    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws -> T {
        guard admitted.wrappingAdd(1, ordering: .relaxed).oldValue < capacity else {
            admitted.wrappingSubtract(1, ordering: .relaxed)
            throw busy
        }
        defer { admitted.wrappingSubtract(1, ordering: .relaxed) }
        let started = ContinuousClock.now
        let result = try await threads.runIfActive {
            Self.lowerPriority()
            return work()
        }
        remember(ContinuousClock.now - started)
        return result
    }

    /// Waits about as long as a check takes now, on no thread and without computing anything;
    /// refused like `run` when every slot is taken.
    func imitate() async throws {
        guard !isBusy else { throw busy }
        try? await Task.sleep(for: .nanoseconds(recentNanoseconds.load(ordering: .relaxed)))
    }

    /// The refusal, with the time a check takes now as `Retry-After` (at least a second).
    private var busy: TidingsError {
        let seconds = Double(recentNanoseconds.load(ordering: .relaxed)) / 1e9
        return .passwordCheckBusy(retryAfter: max(1, Int(seconds.rounded(.up))))
    }

    private func remember(_ duration: Duration) {
        let recent = recentNanoseconds.load(ordering: .relaxed)
        recentNanoseconds.store(recent + (Self.nanoseconds(duration) - recent) / 8, ordering: .relaxed)
    }

    private static func nanoseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
    }

    /// Gives the calling thread a higher nice value, so that the event loops and the database's
    /// threads run first when the CPUs are contended. On Linux the nice value is per thread (and
    /// `who` 0 names the calling thread); elsewhere this does nothing.
    private static func lowerPriority() {
        #if os(Linux)
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
        #endif
    }
}
