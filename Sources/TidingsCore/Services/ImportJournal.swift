import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A small file beside the uploads that records the import in progress: its name, its file, and
/// how far it got (written after each batch). An import cut short by a crash or `kill -9` leaves
/// it behind, so the next start can report that import as failed, with its counts, and remove
/// its file. A finished, failed or stopped import removes it.
public struct ImportJournal: Sendable {
    /// What the journal records.
    public struct Entry: Codable, Sendable, Equatable {
        public var name: String
        /// The CSV being read, once the upload is in.
        public var file: String?
        /// Data rows read, and rows written in committed batches.
        public var total: Int
        public var imported: Int
        /// The process importing: a journal whose process still runs (another instance sharing
        /// the data directory) is not an interrupted import.
        public var processID: Int32

        public init(name: String, file: String?, total: Int, imported: Int, processID: Int32 = getpid()) {
            self.name = name
            self.file = file
            self.total = total
            self.imported = imported
            self.processID = processID
        }
    }

    public let url: URL

    /// The journal in `directory` (the uploads' directory).
    public init(directory: URL) {
        url = directory.appendingPathComponent("journal.json")
    }

    public func write(_ entry: Entry) {
        guard let data = try? JSONEncoder().encode(entry) else { return }
        try? FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? data.write(to: url, options: .atomic)
    }

    public func read() -> Entry? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(Entry.self, from: data)
    }

    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }

    /// The entry of an import whose process is gone, if the journal holds one.
    public func interrupted() -> Entry? {
        guard let entry = read() else { return nil }
        // `kill(pid, 0)` only asks whether the process exists.
        return kill(entry.processID, 0) == 0 ? nil : entry
    }
}
