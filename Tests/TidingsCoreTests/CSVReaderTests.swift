import Foundation
import Testing
import TidingsCore

@Suite struct CSVReaderTests {
    static func records(_ text: String, delimiter: Character = ",") throws -> [CSVReader.Record] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID().uuidString)")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var reader = CSVReader(handle: handle, delimiter: delimiter.asciiValue!)
        var records: [CSVReader.Record] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }

    @Test("quotes, doubled quotes, line breaks inside quotes, CRLF, a BOM and empty lines")
    func rfc4180() throws {
        let records = try Self.records("\u{FEFF}email,name\r\na@b.c,\"Doe, \"\"J\"\"\nSecond line\"\r\n\r\nx@y.z,Ünï\n")
        #expect(
            records.map(\.fields) == [["email", "name"], ["a@b.c", "Doe, \"J\"\nSecond line"], ["x@y.z", "Ünï"]])
        #expect(records.map(\.line) == [1, 2, 5])
    }

    @Test("a record that spans the reader's chunks, and another delimiter")
    func chunks() throws {
        let long = String(repeating: "é", count: 70_000)
        let records = try Self.records("a;\"\(long)\";c\nd;e;f", delimiter: ";")
        #expect(records.count == 2)
        #expect(records[0].fields == ["a", long, "c"])
        #expect(records[1].fields == ["d", "e", "f"])
    }

    @Test("an unterminated quote is an error naming its line; a huge record is refused")
    func failures() throws {
        #expect(throws: CSVReader.Failure.unterminatedQuote(line: 2)) { try Self.records("a\n\"open\nstill open") }
        let huge = String(repeating: "x", count: CSVReader.maximumRecordBytes + 1)
        #expect(throws: CSVReader.Failure.recordTooLong(line: 1)) { try Self.records(huge) }
    }
}
