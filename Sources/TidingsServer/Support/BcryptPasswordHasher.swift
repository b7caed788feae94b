import Crypto
import Foundation
import HummingbirdBcrypt
import TidingsCore

/// bcrypt on a `PasswordCheckPool`, never on an event loop nor on the threads that run database
/// queries. Passwords are pre-hashed with SHA-256 (base64) so bcrypt's 72-byte limit never
/// truncates a long password.
struct BcryptPasswordHasher: PasswordHasher {
    let cost: UInt8
    let pool: PasswordCheckPool

    /// A hasher at `cost` whose checks run on `pool`; a pool of the default size if `nil`.
    init(cost: Int, pool: PasswordCheckPool? = nil) {
        self.cost = Self.clamped(cost)
        self.pool = pool ?? PasswordCheckPool(typical: Self.timeOfOneHash(cost: cost))
    }

    /// A cost bcrypt accepts.
    private static func clamped(_ cost: Int) -> UInt8 { UInt8(clamping: max(4, min(cost, 31))) }

    /// How long one hash at `cost` takes on this machine (what a decoy waits until checks are timed).
    static func timeOfOneHash(cost: Int) -> Duration {
        let cost = clamped(cost)
        return ContinuousClock().measure { _ = Bcrypt.hash(Base62.random(count: 24), cost: cost) }
    }

    static func prehash(_ password: String) -> String {
        Data(SHA256.hash(data: Array(password.utf8))).base64EncodedString()
    }

    func hash(_ password: String) async throws -> String {
        let cost = cost
        return try await pool.run { Bcrypt.hash(Self.prehash(password), cost: cost) }
    }

    func verify(_ password: String, hash: String) async throws -> Bool {
        try await pool.run { Bcrypt.verify(Self.prehash(password), hash: hash) }
    }

    /// Waits as long as a check takes now, and computes nothing: a decoy costs no CPU.
    func verifyDecoy(_ password: String) async throws {
        try await pool.imitate()
    }

    var isBusy: Bool { pool.isBusy }
}
