import Foundation

/// How Tidings reaches its SMTP server (`TIDINGS_SMTP_*`, or `[smtp]` in the TOML file).
public struct SMTPSettings: Sendable, Equatable {
    /// How the connection is protected.
    public enum Security: String, Sendable, CaseIterable {
        /// Plain text throughout (a relay on the same host).
        case none
        /// Plain connection upgraded with `STARTTLS`, which the server must offer (port 587).
        case starttls
        /// TLS from the first byte ("SMTPS", port 465).
        case tls
    }

    public var host: String
    public var port: Int = 587
    public var username: String?
    public var password: String?
    public var security: Security = .starttls
    /// Accept any certificate (a self-signed relay). Off by default.
    public var skipCertificateVerification = false
    /// The name sent in `EHLO`.
    public var helloName = "localhost"
    /// The longest a whole delivery (connect to `QUIT`) may take.
    public var timeout: Duration = .seconds(30)

    public init(host: String) {
        self.host = host
    }
}
