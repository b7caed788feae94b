import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// The real `tidings` executable, run as a separate process the way an operator runs it.
public struct TidingsBinary: Sendable {
    public let path: String

    /// The binary built beside the test bundle (`swift build` puts both in one directory).
    public static func locate() throws -> TidingsBinary {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            besideTests.appendingPathComponent("tidings").path,
            besideTests.deletingLastPathComponent().appendingPathComponent("tidings").path,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build/debug/tidings").path,
        ]
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw LiveServerError("the tidings executable is not built (looked in \(candidates))")
        }
        return TidingsBinary(path: path)
    }

    /// Runs a command to completion; returns its exit status, standard output and standard error.
    /// The waiting happens on a thread of its own: blocking one of the few threads Swift's
    /// concurrency runs on would stall every other test in the process meanwhile.
    public func run(
        _ arguments: [String], environment: [String: String], input: String? = nil
    ) async throws -> (status: Int32, output: String, errors: String) {
        let stdin = try ChildProcess.pipe()
        let stdout = try ChildProcess.pipe()
        let stderr = try ChildProcess.pipe()
        let child: ChildProcess
        do {
            child = try ChildProcess(
                path, arguments, environment: environment, stdin: stdin.read, stdout: stdout.write,
                stderr: stderr.write)
        } catch {
            for descriptor in [stdin.read, stdin.write, stdout.read, stdout.write, stderr.read, stderr.write] {
                close(descriptor)
            }
            throw error
        }
        for descriptor in [stdin.read, stdout.write, stderr.write] { close(descriptor) }
        return await withCheckedContinuation { continuation in
            let errorData = Mutex(Data())
            let errorsRead = DispatchSemaphore(value: 0)
            Thread {
                errorData.withLock { $0 = ChildProcess.readAll(stderr.read) }
                errorsRead.signal()
            }.start()
            Thread {
                if let input {
                    _ = Array(input.utf8).withUnsafeBytes { write(stdin.write, $0.baseAddress, $0.count) }
                }
                close(stdin.write)
                let data = ChildProcess.readAll(stdout.read)
                let status = child.wait()
                errorsRead.wait()
                continuation.resume(
                    returning: (
                        status, String(decoding: data, as: UTF8.self),
                        String(decoding: errorData.withLock { $0 }, as: UTF8.self)
                    ))
            }.start()
        }
    }
}

/// `tidings serve` in its own process on a free port, stopped when the test ends.
public final class LiveServer: @unchecked Sendable {
    public let baseURL: String
    public let environment: [String: String]
    public let logPath: String
    private let process: ChildProcess

    /// Starts the server and waits until `/health` answers.
    public init(binary: TidingsBinary, environment extra: [String: String], dataDirectory: String) async throws {
        let port = try Self.freePort()
        baseURL = "http://127.0.0.1:\(port)"
        var environment = ProcessInfo.processInfo.environment
        environment["TIDINGS_DATA_DIR"] = dataDirectory
        environment["TIDINGS_HTTP_ADDRESS"] = "127.0.0.1:\(port)"
        environment["TIDINGS_ROOT_URL"] = baseURL
        for (key, value) in extra { environment[key] = value }
        self.environment = environment
        logPath = "\(dataDirectory)/server.log"
        let log = open(logPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard log >= 0, devNull >= 0 else { throw LiveServerError("cannot open \(logPath)") }
        defer {
            close(log)
            close(devNull)
        }
        process = try ChildProcess(
            binary.path, ["serve"], environment: environment, stdin: devNull, stdout: log, stderr: log)
        for _ in 0..<200 {
            if let response = try? await get("/health"), response.status == .ok { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        stop()
        throw LiveServerError("the server did not answer /health; log:\n\(self.log())")
    }

    public func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Stops the server as an operator would (SIGTERM), and kills it if it has not ended within
    /// 10 seconds: the wait blocks a thread that other tests need.
    public func stop() {
        guard process.isRunning else { return }
        process.signal(SIGTERM)
        for _ in 0..<1_000 where process.isRunning { usleep(10_000) }
        if process.isRunning {
            FileHandle.standardError.write(Data("LiveServer: no exit 10 s after SIGTERM; killing it\n".utf8))
            process.signal(SIGKILL)
        }
        process.wait()
    }

    /// Kills the server with SIGKILL, as a crash or an out-of-memory killer would.
    public func kill() {
        if process.isRunning {
            process.signal(SIGKILL)
            process.wait()
        }
    }

    deinit { stop() }

    public struct Reply: Sendable {
        public let status: HTTPResponseStatus
        public let headers: HTTPHeaders
        public let body: String

        public var object: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }
    }

    public func get(_ path: String, headers: [(String, String)] = []) async throws -> Reply {
        try await send(.GET, path, headers: headers, body: nil)
    }

    public func send(
        _ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: String?,
        timeout: TimeAmount = .seconds(10)
    ) async throws
        -> Reply
    {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await Self.client.execute(request, timeout: timeout)
        let buffer = try await response.body.collect(upTo: 1 << 20)
        return Reply(status: response.status, headers: response.headers, body: String(buffer: buffer))
    }

    /// A client that, like a script, does not follow redirects (so a 302 can be asserted).
    static let client = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

    static func freePort() throws -> Int {
        let socket = try ServerSocketProbe()
        return socket.port
    }
}

/// Finds a free TCP port by binding to port 0.
private struct ServerSocketProbe {
    let port: Int

    init() throws {
        let socket = try LoopbackSocket(listening: false)
        socket.close()
        port = socket.port
    }
}

public struct LiveServerError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
