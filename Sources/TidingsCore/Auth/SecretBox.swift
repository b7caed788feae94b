import Crypto
import Foundation

/// Seals small secrets that must be read back (TOTP keys) with AES-GCM under a key derived from
/// the server's secret key, so the database never holds them in clear.
public struct SecretBox: Sendable {
    /// The derived key's bytes (`SymmetricKey` is not `Sendable`; one is made per use).
    private let keyBytes: [UInt8]

    public init(serverKey: [UInt8], purpose: String) {
        let derived = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: serverKey), info: Array("tidings \(purpose)".utf8), outputByteCount: 32
        )
        keyBytes = derived.withUnsafeBytes { Array($0) }
    }

    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    public func seal(_ plaintext: [UInt8]) throws -> String {
        guard let combined = try AES.GCM.seal(plaintext, using: key).combined else {
            throw TidingsError(.unavailable, code: "seal_failed", message: "could not seal a secret")
        }
        return combined.base64EncodedString()
    }

    /// The plaintext, or `nil` when the text was not sealed with this key (or was tampered with).
    public func open(_ sealed: String) -> [UInt8]? {
        guard let data = Data(base64Encoded: sealed), let box = try? AES.GCM.SealedBox(combined: data),
            let plaintext = try? AES.GCM.open(box, using: key)
        else { return nil }
        return Array(plaintext)
    }
}
