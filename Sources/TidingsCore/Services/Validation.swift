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

    /// A bare e-mail address (`a@b.c`, not `Name <a@b.c>`), at most 2000 bytes, the same rule for
    /// users and subscribers. The local part is RFC 5322's atom characters (letters, digits, dots
    /// and ``!#$%&'*+/=?^_`{|}~-``) or a quoted string, UTF-8 allowed (RFC 6531);
    /// the domain is dot-separated labels of letters, digits, `-` and `_` (UTF-8 allowed), or an
    /// address literal in brackets. Checked on bytes: imports validate every row.
    public static func isValidEmail(_ email: String) -> Bool {
        let bytes = Array(email.utf8)
        guard bytes.count <= maxFieldBytes, let at = bytes.lastIndex(of: UInt8(ascii: "@")), at > 0,
            at < bytes.count - 1
        else { return false }
        guard isValidLocalPart(bytes[..<at]), isValidDomain(bytes[(at + 1)...]) else { return false }
        // A non-ASCII address also gets the Unicode white space check.
        return bytes.allSatisfy { $0 < 0x80 } || !email.contains(where: { $0.isWhitespace || $0.isNewline })
    }

    private static let atomSymbols = Set("!#$%&'*+/=?^_`{|}~-".utf8)

    private static func isValidLocalPart(_ local: ArraySlice<UInt8>) -> Bool {
        if local.first == UInt8(ascii: "\""), local.count >= 2, local.last == UInt8(ascii: "\"") {
            // A quoted string: printable characters, with `\` escaping the next one.
            var escaped = false
            for byte in local.dropFirst().dropLast() {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") || byte < 0x20 || byte == 0x7F {
                    return false
                }
            }
            return !escaped
        }
        // Dots anywhere, as listmonk accepts (`a..b@c.d`).
        return !local.isEmpty
            && local.allSatisfy { byte in
                Base62.isBase62(byte) || atomSymbols.contains(byte) || byte == UInt8(ascii: ".") || byte >= 0x80
            }
    }

    private static func isValidDomain(_ domain: ArraySlice<UInt8>) -> Bool {
        if domain.first == UInt8(ascii: "[") {
            // An address literal: `[192.0.2.1]` or `[IPv6:…]`.
            guard domain.count > 2, domain.last == UInt8(ascii: "]") else { return false }
            return domain.dropFirst().dropLast().allSatisfy { byte in
                Base62.isBase62(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
            }
        }
        return isDotSeparated(domain) { byte in
            Base62.isBase62(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte >= 0x80
        }
    }

    /// Non-empty runs of `allowed` bytes, one `.` between each.
    private static func isDotSeparated(_ text: ArraySlice<UInt8>, _ allowed: (UInt8) -> Bool) -> Bool {
        guard !text.isEmpty, text.first != UInt8(ascii: "."), text.last != UInt8(ascii: ".") else { return false }
        var previous: UInt8 = 0
        for byte in text {
            if byte == UInt8(ascii: ".") {
                if previous == UInt8(ascii: ".") { return false }
            } else if !allowed(byte) {
                return false
            }
            previous = byte
        }
        return true
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
