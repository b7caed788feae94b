import Crypto
import Foundation
import TidingsCore

/// The server-side key for token and session hashes. It lives outside the database: given in
/// the configuration, or generated once into `<data dir>/secret.key` with mode 0600.
public enum SecretKeyFile {
    public static func key(configured: String?, dataDirectory: String) throws -> [UInt8] {
        if let configured {
            guard configured.utf8.count >= 32 else {
                throw ConfigurationError.invalid("TIDINGS_SECRET_KEY", "at least 32 characters")
            }
            return Array(SHA256.hash(data: Array(configured.utf8)))
        }
        let path = URL(fileURLWithPath: dataDirectory).appendingPathComponent("secret.key").path
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            try manager.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
            let generated = Base62.random(count: 64) + "\n"
            guard
                manager.createFile(atPath: path, contents: Data(generated.utf8), attributes: [.posixPermissions: 0o600])
            else {
                if manager.fileExists(atPath: path) { return try key(configured: nil, dataDirectory: dataDirectory) }
                throw ConfigurationError.unreadable(path, "cannot create the secret key file")
            }
        }
        let stored = try ConfigurationLoader.readSecret(path)
        return try key(configured: stored, dataDirectory: dataDirectory)
    }
}
