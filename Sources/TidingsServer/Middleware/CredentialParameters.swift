import Foundation

/// Query parameters that carry credentials in other APIs: seeing one on an authenticated route
/// means a client is about to leak a secret into logs, proxies and browser history, so the
/// request is refused (`credentials_in_url`).
///
/// Names are compared as a server that reads them would: percent escapes and `+` decoded,
/// lower-cased, `-`, `.` and spaces read as `_`, and an array suffix (`token[]`, `auth[user]`)
/// dropped. So `?%74oken=`, `?Access-Token=` and `?api_key[]=` are all caught.
enum CredentialParameters {
    static let names: Set<String> = [
        "token", "access_token", "accesstoken", "refresh_token", "id_token", "auth_token", "api_token", "apitoken",
        "private_token", "bearer", "auth", "authorization", "jwt", "api_key", "apikey", "x_api_key", "key", "secret",
        "api_secret", "client_secret", "password", "passwd", "pwd", "pass", "passphrase", "session", "session_id",
        "sessionid", "credential", "credentials",
    ]

    /// The first parameter of `query` (the raw query string) with a credential's name, as
    /// decoded (without an array suffix); `nil` if there is none.
    static func first(in query: Substring) -> String? {
        for pair in query.split(separator: "&") {
            let name = decoded(pair.prefix { $0 != "=" })
            if names.contains(normalized(name)) { return name }
        }
        return nil
    }

    /// A parameter name as servers read it, up to any `[`.
    private static func decoded(_ raw: Substring) -> String {
        let text = raw.replacingOccurrences(of: "+", with: " ")
        let name = text.removingPercentEncoding ?? text
        return String(name.prefix { $0 != "[" })
    }

    private static func normalized(_ name: String) -> String {
        String(
            name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased().map {
                $0 == "-" || $0 == "." || $0 == " " ? "_" : $0
            })
    }
}
