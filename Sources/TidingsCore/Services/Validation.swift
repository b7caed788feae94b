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
        let bytes = email.utf8
        guard bytes.count <= maxFieldBytes else { return false }
        // Checked on bytes (imports validate every row); a non-ASCII address also gets the
        // Unicode whitespace check.
        var at: String.UTF8View.Index?
        var previous: UInt8 = 0
        var ascii = true
        for index in bytes.indices {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0B, 0x0C,
                UInt8(ascii: "<"), UInt8(ascii: ">"):
                return false
            case UInt8(ascii: "@"):
                guard at == nil else { return false }
                at = index
            case UInt8(ascii: "."):
                if at != nil, previous == UInt8(ascii: ".") || previous == UInt8(ascii: "@") { return false }
            default:
                if byte >= 0x80 { ascii = false }
            }
            previous = byte
        }
        guard let at, at != bytes.startIndex, bytes.index(after: at) != bytes.endIndex, previous != UInt8(ascii: ".")
        else { return false }
        return ascii || !email.contains(where: \.isWhitespace)
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
