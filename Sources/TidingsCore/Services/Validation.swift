import Foundation

/// Input rules shared by the services, with listmonk's limits.
public enum Validation {
    /// listmonk's "stdInputMaxLen".
    public static let maxFieldBytes = 2000
    public static let minPasswordLength = 8
    /// Passwords are pre-hashed before bcrypt, so any length works; this only bounds the work.
    public static let maxPasswordBytes = 4096

    /// Usernames: 3–2000 bytes of `A-Z a-z 0-9 _ - . @` (listmonk's rule).
    public static func isValidUsername(_ name: String) -> Bool {
        let bytes = name.utf8
        guard bytes.count >= 3, bytes.count <= maxFieldBytes else { return false }
        return bytes.allSatisfy { byte in
            Base62.isBase62(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "@")
        }
    }

    /// A bare e-mail address (`a@b.c`, not `Name <a@b.c>`), at most 2000 bytes.
    public static func isValidEmail(_ email: String) -> Bool {
        guard email.utf8.count <= maxFieldBytes, !email.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" })
        else { return false }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return false }
        let domain = parts[1]
        return !domain.hasPrefix(".") && !domain.hasSuffix(".") && !domain.contains("..")
    }

    public static func isValidPassword(_ password: String) -> Bool {
        password.count >= minPasswordLength && password.utf8.count <= maxPasswordBytes
    }

    /// A name of 1–2000 bytes after trimming.
    public static func trimmedName(_ name: String?) -> String? {
        guard let trimmed = name?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty,
            trimmed.utf8.count <= maxFieldBytes
        else { return nil }
        return trimmed
    }
}
