import Foundation
import Testing
import TidingsCore

/// The file that outlives an import cut short, so that the next start can report it.
@Suite struct ImportJournalTests {
    static func journal() -> ImportJournal {
        ImportJournal(
            directory: FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)"))
    }

    @Test("an entry written is read back; removing it leaves none")
    func roundTrip() throws {
        let journal = Self.journal()
        defer { try? FileManager.default.removeItem(at: journal.url.deletingLastPathComponent()) }
        #expect(journal.read() == nil)
        let entry = ImportJournal.Entry(name: "people.csv", file: "/tmp/upload-1", total: 120, imported: 100)
        journal.write(entry)
        #expect(journal.read() == entry)
        var later = entry
        later.imported = 120
        journal.write(later)
        #expect(journal.read() == later)
        journal.remove()
        #expect(journal.read() == nil)
        #expect(!FileManager.default.fileExists(atPath: journal.url.path))
    }

    @Test("an import is interrupted only when the process that wrote the journal is gone")
    func interrupted() throws {
        let journal = Self.journal()
        defer { try? FileManager.default.removeItem(at: journal.url.deletingLastPathComponent()) }
        #expect(journal.interrupted() == nil)
        journal.write(ImportJournal.Entry(name: "mine.csv", file: nil, total: 1, imported: 0))
        #expect(journal.interrupted() == nil)  // this process still runs
        let gone = ImportJournal.Entry(name: "gone.csv", file: "/tmp/x", total: 5, imported: 3, processID: Int32.max)
        journal.write(gone)
        #expect(journal.interrupted() == gone)
    }

    @Test("a journal that is not an entry reads as none")
    func garbage() throws {
        let journal = Self.journal()
        defer { try? FileManager.default.removeItem(at: journal.url.deletingLastPathComponent()) }
        try FileManager.default.createDirectory(
            at: journal.url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("{\"name\": 1".utf8).write(to: journal.url)
        #expect(journal.read() == nil)
        #expect(journal.interrupted() == nil)
    }
}
