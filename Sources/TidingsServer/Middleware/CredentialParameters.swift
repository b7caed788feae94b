import Foundation

/// Query parameters that carry credentials in other APIs: seeing one on an authenticated route
/// means a client is about to leak a secret into logs, proxies and browser history, so the
/// request is refused (`credentials_in_url`).
///
/// Names are compared as decoded (`Request.query`: percent escapes and `+` decoded), lower-cased,
/// with `-`, `.` and spaces read as `_`, and an array suffix (`token[]`, `auth[user]`) dropped. So
/// `?%74oken=`, `?Access-Token=` and `?api_key[]=` are all caught.
enum CredentialParameters {
    static let names: Set<String> = [
        "token", "access_token", "accesstoken", "refresh_token", "id_token", "auth_token", "api_token", "apitoken",
        "private_token", "bearer", "auth", "authorization", "jwt", "api_key", "apikey", "x_api_key", "key", "secret",
        "api_secret", "client_secret", "password", "passwd", "pwd", "pass", "passphrase", "session", "session_id",
        "sessionid", "credential", "credentials",
    ]

    /// The first of `names` (decoded parameter names, in order) that is a credential's, without
    /// an array suffix; `nil` if there is none.
    static func first(in names: some Sequence<Substring>) -> String? {
        for decoded in names {
            let name = String(decoded.prefix { $0 != "[" })
            if Self.names.contains(normalized(name)) { return name }
        }
        return nil
    }

    private static func normalized(_ name: String) -> String {
        String(
            name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased().map {
                $0 == "-" || $0 == "." || $0 == " " ? "_" : $0
            })
    }
}
