import Foundation
import Synchronization

/// Runs subscriber imports, one at a time: reads the CSV from disk a
/// record at a time, validates each row (a bad row is logged with its line number and skipped),
/// and writes batches of `batchSize` rows, each in its own transaction, one batch in flight
/// while the next is read. Stopping takes effect between batches; a killed process loses at most the batch in flight, never half of one.
public final class SubscriberImporter: Sendable {
    private struct State {
        var status = ImportStatus()
        var log: [String] = []
        var stopRequested = false
        var task: Task<Void, Never>?
        /// The file being imported, for the journal.
        var file: String?
    }

    public static let logLimit = 10_000

    private let state = Mutex(State())
    private let store: any SubscriberImportStore
    private let clock: WallClock
    private let batchSize: Int
    private let journal: ImportJournal?

    /// Rows per transaction. Larger batches write each index page they touch for more rows (at a
    /// million subscribers a batch touches most pages of the e-mail and UUID indexes), at the
    /// cost of memory (two batches are held: one being written, one being read) and of the
    /// other writers' wait; 25,000 measured best under the import's RSS target
    /// (docs/benchmarks.md).
    public static let defaultBatchSize = 25_000

    /// `journal`: where to record the import in progress (see `ImportJournal`); `nil`, nowhere.
    public init(
        store: any SubscriberImportStore, clock: WallClock, batchSize: Int = defaultBatchSize,
        journal: ImportJournal? = nil
    ) {
        self.store = store
        self.clock = clock
        self.batchSize = batchSize
        self.journal = journal
    }

    /// Reports an import that a crash or `kill -9` cut short as failed, with how far it got,
    /// and removes its file. Called once as the server starts.
    public func recoverInterruptedImport() {
        guard let journal, let entry = journal.interrupted() else { return }
        if let file = entry.file,
            URL(fileURLWithPath: file).deletingLastPathComponent().standardizedFileURL
                == journal.url.deletingLastPathComponent().standardizedFileURL
        {
            try? FileManager.default.removeItem(atPath: file)
        }
        journal.remove()
        state.withLock { state in
            guard state.status.state == .none else { return }
            state.status = ImportStatus(name: entry.name, total: entry.total, imported: entry.imported, state: .failed)
        }
        note(
            "the import of '\(entry.name)' was interrupted (the server stopped): \(entry.total) rows read, "
                + "\(entry.imported) imported in whole batches; the rest were not imported")
    }

    /// Records the import's progress in the journal.
    private func recordProgress() {
        guard let journal else { return }
        let entry = state.withLock {
            ImportJournal.Entry(
                name: $0.status.name, file: $0.file, total: $0.status.total, imported: $0.status.imported)
        }
        journal.write(entry)
    }

    public var status: ImportStatus { state.withLock { $0.status } }

    /// The log, one line per event, as listmonk's `GET /api/import/subscribers/logs` returns it.
    public var log: String { state.withLock { $0.log.map { $0 + "\n" }.joined() } }

    /// Reserves the importer for a file called `name`, before it is received; throws listmonk's
    /// 400 when an import is running.
    public func reserve(name: String) throws {
        try state.withLock { state in
            guard state.status.state != .importing, state.status.state != .stopping else {
                throw TidingsError.badRequest(
                    "An import is already running. Wait for it to finish or stop it before trying again.",
                    code: "import_running")
            }
            state = State(status: ImportStatus(name: name, state: .importing))
        }
        recordProgress()
    }

    /// Gives a reservation up (the upload failed): the importer is idle again.
    public func release() {
        state.withLock { $0 = State() }
        journal?.remove()
    }

    /// Starts importing `file` (a CSV, removed when the import ends) under a reservation;
    /// `name` is the uploaded file's name, shown in the status.
    public func start(file: URL, name: String, options: ImportOptions) {
        state.withLock {
            $0.status.name = name
            $0.file = file.path
        }
        recordProgress()
        let task = Task { [self] in
            await self.run(file: file, options: options)
            try? FileManager.default.removeItem(at: file)
        }
        state.withLock { $0.task = task }
    }

    /// Stops a running import (it ends after the batch in flight), or forgets a finished one.
    @discardableResult
    public func stop() -> ImportStatus {
        state.withLock { state in
            switch state.status.state {
            case .importing, .stopping:
                state.stopRequested = true
                state.status.state = .stopping
            case .none, .finished, .failed:
                state = State()
            }
            return state.status
        }
    }

    /// Waits for the current import, if any, to end (tests; shutdown).
    public func waitUntilDone() async {
        await state.withLock { $0.task }?.value
    }

    // MARK: The import

    private func run(file: URL, options: ImportOptions) async {
        note("processing '\(status.name)'")
        do {
            let handle = try FileHandle(forReadingFrom: file)
            defer { try? handle.close() }
            var reader = CSVReader(handle: handle, delimiter: options.delimiter)
            guard let header = try reader.next() else { return finish(.finished, "the file is empty") }
            let columns = Columns(header.fields)
            guard let columns else { return finish(.failed, "the file has no `email` column in its header row") }
            let completed = try await withThrowingTaskGroup(of: Void.self) { writes in
                var batch: [ImportRow] = []
                var lines: [String: Int] = [:]
                while let record = try reader.next() {
                    state.withLock { $0.status.total += 1 }
                    switch columns.row(from: record) {
                    case .failure(let reason):
                        note("skipping line \(record.line): \(reason)")
                    case .success(let row):
                        if let first = lines[row.email] {
                            note("skipping line \(record.line): the same e-mail address as line \(first)")
                            continue
                        }
                        lines[row.email] = row.line
                        batch.append(row)
                    }
                    if batch.count >= batchSize {
                        guard try await submit(&batch, to: &writes, options: options) else { return false }
                        lines.removeAll(keepingCapacity: true)
                    }
                }
                guard try await submit(&batch, to: &writes, options: options) else { return false }
                try await drain(&writes)
                return true
            }
            if completed { finish(.finished, "imported finished") } else { finish(.failed, "stopped") }
        } catch let failure as CSVReader.Failure {
            switch failure {
            case .unterminatedQuote(let line): finish(.failed, "line \(line): a quoted field is never closed")
            case .recordTooLong(let line): finish(.failed, "line \(line): the record is longer than 1 MiB")
            }
        } catch {
            finish(.failed, "import failed: \(error)")
        }
    }

    /// Hands a batch to the database: first waits for the batch before it (so one batch is
    /// written while the next is read and checked, and never more), then starts this one unless
    /// a stop was asked for; `false` when stopped.
    private func submit(
        _ batch: inout [ImportRow], to writes: inout ThrowingTaskGroup<Void, any Error>, options: ImportOptions
    ) async throws -> Bool {
        try await drain(&writes)
        if state.withLock({ $0.stopRequested }) || Task.isCancelled { return false }
        guard !batch.isEmpty else { return true }
        let rows = batch
        batch = []
        batch.reserveCapacity(batchSize)
        let now = clock.now()
        writes.addTask { [self] in
            let skipped = try await store.importSubscribers(rows, options: options, at: now)
            committed(rows.count - skipped.count, skippedLines: skipped)
        }
        return true
    }

    /// Waits for the batch being written, if any.
    private func drain(_ writes: inout ThrowingTaskGroup<Void, any Error>) async throws {
        while try await writes.next() != nil {}
    }

    /// Counts a batch the moment it is committed, and records it in the journal. A row skipped as
    /// out of the caller's scope is logged by line alone: the log tells nothing of the subscriber.
    private func committed(_ written: Int, skippedLines: [Int]) {
        for line in skippedLines.sorted() {
            note("skipping line \(line): the subscriber exists and is not on a list you may manage")
        }
        state.withLock { $0.status.imported += written }
        recordProgress()
    }

    private func finish(_ end: ImportState, _ message: String) {
        note(message)
        state.withLock { $0.status.state = end }
        journal?.remove()
    }

    private func note(_ message: String) {
        let line = "\(Self.timestamp(clock.now())) \(message)"
        state.withLock { state in
            state.log.append(line)
            if state.log.count > Self.logLimit { state.log.removeFirst(state.log.count - Self.logLimit) }
        }
    }

    /// Go's log timestamp (`2026/11/26 16:15:15.384667`), as listmonk's import log has it.
    static func timestamp(_ date: Date) -> String {
        let text = Timestamp.rfc3339(date).dropLast()  // 2026-11-26T16:15:15.384667
        let parts = text.split(separator: "T")
        return parts[0].replacingOccurrences(of: "-", with: "/") + " " + (parts.count > 1 ? parts[1] : "")
    }
}

/// Where the columns are in an import file's header (`email` required; `name`, `attributes`).
private struct Columns {
    let email: Int
    let name: Int?
    let attributes: Int?

    init?(_ header: [String]) {
        let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let email = names.firstIndex(of: "email") else { return nil }
        self.email = email
        self.name = names.firstIndex(of: "name")
        self.attributes = names.firstIndex(of: "attributes")
    }

    func row(from record: CSVReader.Record) -> Result<ImportRow, ImportRowError> {
        let fields = record.fields
        func field(_ index: Int?) -> String {
            guard let index, index < fields.count else { return "" }
            return fields[index].trimmedQuickly
        }
        let email = field(email).lowercasedQuickly
        guard !email.isEmpty, email.utf8.count <= 1000, Validation.isValidEmail(email) else {
            return .failure(ImportRowError("Invalid email."))
        }
        var name = field(name)
        if name.isEmpty { name = SubscriberInput.name(fromEmail: email) }
        guard name.utf8.count <= Validation.maxFieldBytes, !name.utf8.contains(0) else {
            return .failure(ImportRowError("Invalid name."))
        }
        var attributes = field(self.attributes)
        if attributes.isEmpty {
            attributes = "{}"
        } else {
            guard !NULCharacter.isEscaped(inJSON: attributes.utf8) else {
                return .failure(ImportRowError("invalid attributes: the NUL character (U+0000) cannot be stored"))
            }
            guard attributes.utf8.first == UInt8(ascii: "{"),
                (try? JSONSerialization.jsonObject(with: Data(attributes.utf8))) is [String: Any]
            else { return .failure(ImportRowError("invalid attributes: not a JSON object")) }
        }
        return .success(ImportRow(line: record.line, email: email, name: name, attributesJSON: attributes))
    }
}

private struct ImportRowError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension String {
    /// Without surrounding whitespace; untouched (no new string) when there is none, which is
    /// nearly every cell of an import.
    var trimmedQuickly: String {
        guard let first = utf8.first, let last = utf8.last else { return self }
        let space: (UInt8) -> Bool = { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) || $0 >= 0x80 }
        return space(first) || space(last) ? trimmingCharacters(in: .whitespacesAndNewlines) : self
    }

    /// Lower-cased; untouched when it is ASCII with no capital letter.
    var lowercasedQuickly: String {
        utf8.contains { $0 >= 0x80 || ($0 >= 0x41 && $0 <= 0x5A) } ? lowercased() : self
    }
}
