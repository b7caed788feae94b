import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA-1, 30-second steps, six
/// digits, what every authenticator app uses by default.
public enum TOTP {
    public static let stepSeconds: Int64 = 30
    public static let digits = 6

    /// A new 160-bit secret from the system's CSPRNG.
    public static func generateSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// The time step that contains `date`.
    public static func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / Double(stepSeconds)).rounded(.down))
    }

    /// The code for `step`.
    public static func code(secret: [UInt8], step: Int64, digits: Int = TOTP.digits) -> String {
        let counter = withUnsafeBytes(of: UInt64(bitPattern: step).bigEndian) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: counter, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let value =
            (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8)
            | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let text = String(value % modulus)
        return String(repeating: "0", count: digits - text.count) + text
    }

    /// The step whose code `code` is, among the current one and `window` steps either side (for
    /// clocks that drift), compared in constant time; `nil` when none matches.
    public static func matchingStep(_ code: String, secret: [UInt8], at date: Date, window: Int64 = 1) -> Int64? {
        let presented = Array(code.filter { !$0.isWhitespace }.utf8)
        guard presented.count == digits, presented.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let now = step(at: date)
        var found: Int64?
        for candidate in (now - window)...(now + window) {
            if constantTimeEquals(Array(self.code(secret: secret, step: candidate).utf8), presented), found == nil {
                found = candidate
            }
        }
        return found
    }

    /// The `otpauth://` URL an authenticator app reads (usually from a QR code).
    public static func provisioningURL(secret: [UInt8], account: String, issuer: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~@"))
        let issuerText = issuer.addingPercentEncoding(withAllowedCharacters: allowed) ?? "Tidings"
        let accountText = account.addingPercentEncoding(withAllowedCharacters: allowed) ?? "user"
        return "otpauth://totp/\(issuerText):\(accountText)?secret=\(Base32.encode(secret))&issuer=\(issuerText)"
            + "&algorithm=SHA1&digits=\(digits)&period=\(stepSeconds)"
    }
}
