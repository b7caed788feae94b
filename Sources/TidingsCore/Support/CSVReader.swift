import Foundation

/// Reads CSV records (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes, CRLF or
/// LF) from a file a chunk at a time, so that a file of any size takes a fixed amount of memory.
/// A UTF-8 byte-order mark at the start is skipped.
public struct CSVReader {
    /// One record and the line it starts on (1-based, counting physical lines).
    public struct Record: Sendable, Equatable {
        public let line: Int
        public let fields: [String]
    }

    public enum Failure: Error, Equatable {
        /// A quoted field was still open at the end of the file.
        case unterminatedQuote(line: Int)
        /// A record longer than `maximumRecordBytes`.
        case recordTooLong(line: Int)
    }

    public static let maximumRecordBytes = 1 << 20

    private let handle: FileHandle
    private let delimiter: UInt8
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private var line = 1
    private var started = false

    public init(handle: FileHandle, delimiter: UInt8 = UInt8(ascii: ",")) {
        self.handle = handle
        self.delimiter = delimiter
    }

    /// The next record, or `nil` at the end of the file. Empty lines are skipped.
    public mutating func next() throws -> Record? {
        while true {
            guard try ensureByte() else { return nil }
            if !started {
                started = true
                if buffer.count - position >= 3, buffer[position] == 0xEF, buffer[position + 1] == 0xBB,
                    buffer[position + 2] == 0xBF
                {
                    position += 3
                }
            }
            let startLine = line
            var fields: [String] = []
            var field: [UInt8] = []
            var size = 0
            var quoted = false
            var fieldStarted = false
            var recordDone = false
            while !recordDone {
                guard try ensureByte() else {
                    if quoted { throw Failure.unterminatedQuote(line: startLine) }
                    recordDone = true
                    break
                }
                let byte = buffer[position]
                position += 1
                size += 1
                if size > Self.maximumRecordBytes { throw Failure.recordTooLong(line: startLine) }
                if quoted {
                    if byte == UInt8(ascii: "\"") {
                        if try ensureByte(), buffer[position] == UInt8(ascii: "\"") {
                            field.append(byte)
                            position += 1
                        } else {
                            quoted = false
                        }
                    } else {
                        if byte == UInt8(ascii: "\n") { line += 1 }
                        field.append(byte)
                    }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\"") where !fieldStarted:
                    quoted = true
                    fieldStarted = true
                case delimiter:
                    fields.append(String(decoding: field, as: UTF8.self))
                    field.removeAll(keepingCapacity: true)
                    fieldStarted = false
                case UInt8(ascii: "\n"):
                    line += 1
                    recordDone = true
                case UInt8(ascii: "\r"):
                    if try ensureByte(), buffer[position] == UInt8(ascii: "\n") { position += 1 }
                    line += 1
                    recordDone = true
                default:
                    field.append(byte)
                    fieldStarted = true
                }
            }
            fields.append(String(decoding: field, as: UTF8.self))
            if fields.count == 1, fields[0].isEmpty { continue }  // an empty line
            return Record(line: startLine, fields: fields)
        }
    }

    /// Whether a byte is available at `position`, reading the next chunk when needed.
    private mutating func ensureByte() throws -> Bool {
        if position < buffer.count { return true }
        if atEnd { return false }
        let chunk = try handle.read(upToCount: 64 * 1024) ?? Data()
        if chunk.isEmpty {
            atEnd = true
            return false
        }
        buffer = Array(chunk)
        position = 0
        return true
    }
}
