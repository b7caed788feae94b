import Crypto
import Foundation
import HummingbirdBcrypt
import NIOPosix
import TidingsCore

/// bcrypt on the NIO thread pool, never on an event loop. Passwords are pre-hashed with SHA-256
/// (base64) so bcrypt's 72-byte limit never truncates a long password.
struct BcryptPasswordHasher: PasswordHasher {
    let cost: UInt8
    private let decoy: String

    init(cost: Int) {
        self.cost = UInt8(clamping: max(4, min(cost, 31)))
        decoy = Bcrypt.hash(Base62.random(count: 24), cost: self.cost)
    }

    static func prehash(_ password: String) -> String {
        Data(SHA256.hash(data: Array(password.utf8))).base64EncodedString()
    }

    func hash(_ password: String) async throws -> String {
        let cost = cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(Self.prehash(password), cost: cost) }
    }

    func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(Self.prehash(password), hash: hash) }
    }

    func verifyDecoy(_ password: String) async {
        _ = try? await verify(password, hash: decoy)
    }
}
