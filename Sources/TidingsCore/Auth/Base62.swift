import Crypto

/// Base62 (`0-9A-Za-z`) text, used for every part of an API token.
public enum Base62 {
    public static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    public static func isBase62(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    /// `count` characters drawn uniformly from the alphabet with a CSPRNG. Bytes ≥ 248 are
    /// rejected and redrawn, so there is no modulo bias (248 = 4 × 62).
    public static func random(count: Int) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        var generator = SystemRandomNumberGenerator()
        while out.count < count {
            let byte = UInt8.random(in: 0...255, using: &generator)
            if byte < 248 { out.append(alphabet[Int(byte % 62)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A fixed-width encoding of a 32-bit value (6 characters hold 62⁶ > 2³²).
    public static func encode(_ value: UInt32, width: Int = 6) -> String {
        var digits = [UInt8](repeating: alphabet[0], count: width)
        var rest = value
        for index in stride(from: width - 1, through: 0, by: -1) {
            digits[index] = alphabet[Int(rest % 62)]
            rest /= 62
        }
        return String(decoding: digits, as: UTF8.self)
    }
}

extension Base62 {
    /// Whether `digits` is the fixed-width encoding of `value`, compared in constant time.
    static func matches(_ value: UInt32, _ digits: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        var rest = value
        var difference: UInt8 = 0
        for index in stride(from: digits.endIndex - 1, through: digits.startIndex, by: -1) {
            difference |= digits[index] ^ character(UInt8(truncatingIfNeeded: rest % 62))
            rest /= 62
        }
        return difference == 0 && rest == 0
    }

    /// The alphabet's character for a value below 62, computed (no table access on the hot path).
    @inline(__always)
    static func character(_ value: UInt8) -> UInt8 {
        value < 10 ? value &+ 0x30 : value < 36 ? value &- 10 &+ 0x41 : value &- 36 &+ 0x61
    }
}

/// CRC-32 (IEEE 802.3), the checksum at the end of every token.
public enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        // The table is fetched once, not per byte: each access to a global checks its lazy
        // initialisation, which on the token path cost more than the arithmetic.
        table.withUnsafeBufferPointer { table in
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
            return crc ^ 0xFFFF_FFFF
        }
    }
}
