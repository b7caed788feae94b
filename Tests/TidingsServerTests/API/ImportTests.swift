import Foundation
import HTTPTypes
import NIOCore
import Testing
import TidingsCore
import TidingsServer
import TidingsTestSupport
import ZIPFoundation

/// `/api/import/subscribers`.
@Suite struct ImportTests {
    /// A multipart body with a `params` part and, when given, a `file` part.
    static func upload(params: String?, file: (name: String, bytes: [UInt8])?) -> (HTTPFields, ByteBuffer) {
        upload(fields: params.map { [("params", $0)] } ?? [], file: file)
    }

    /// A multipart body with these small parts, then the file part when given.
    static func upload(fields: [(String, String)], file: (name: String, bytes: [UInt8])?) -> (HTTPFields, ByteBuffer) {
        let boundary = "tidings-test-\(UUID().uuidString)"
        var body = ByteBuffer()
        for (name, value) in fields {
            body.writeString(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        if let file {
            body.writeString(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n")
            body.writeBytes(file.bytes)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        return ([.contentType: "multipart/form-data; boundary=\(boundary)"], body)
    }

    static func post(
        _ app: TestApp, headers: HTTPFields, params: String?, file: (name: String, bytes: [UInt8])?
    ) async throws -> TestResult {
        let (contentType, body) = upload(params: params, file: file)
        var all = headers
        for field in contentType { all.append(field) }
        return try await app.request(.post, "/api/import/subscribers", headers: all, bytes: body)
    }

    static func waitForEnd(_ app: TestApp) async throws -> [String: Any] {
        await app.services.importer.waitUntilDone()
        let admin = try await app.adminHeaders()
        return try await app.request(.get, "/api/import/subscribers", headers: admin).dataObject
    }

    @Test("a CSV is imported; bad rows are logged with their line and skipped", arguments: TestBackend.enabled)
    func importsCSV(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let list = try await app.makeList("A")
            let csv = """
                email,name,attributes
                ana@example.com,Ana,"{""city"": ""Pune""}"
                not-an-email,Bad,
                BO@Example.com,,
                cy@example.com,Cy,[1]
                ana@example.com,Again,
                "dee@example.com","Dée, ""the"" Ünïcode",

                """
            let started = try await Self.post(
                app, headers: admin, params: #"{"mode":"subscribe","lists":[\#(list.id.rawValue)]}"#,
                file: ("people.csv", Array(csv.utf8)))
            #expect(started.status == .ok, "\(started.body)")
            #expect(started.dataObject["name"] as? String == "people.csv")
            #expect(["importing", "finished"].contains(started.dataObject["status"] as? String))
            let end = try await Self.waitForEnd(app)
            #expect(end["status"] as? String == "finished")
            #expect(end["total"] as? Int == 6)
            #expect(end["imported"] as? Int == 3)
            let log = try await app.request(.get, "/api/import/subscribers/logs", headers: admin).data as? String ?? ""
            #expect(log.contains("processing 'people.csv'"))
            #expect(log.contains("skipping line 3: Invalid email."))
            #expect(log.contains("skipping line 5: invalid attributes"))
            #expect(log.contains("skipping line 6: the same e-mail address as line 2"))
            #expect(log.contains("imported finished"))

            var query = SubscriberQuery()
            query.orderBy = .email
            query.direction = .asc
            let subscribers = try await app.services.stores.subscribers.subscribers(query).items
            #expect(subscribers.map(\.email) == ["ana@example.com", "bo@example.com", "dee@example.com"])
            #expect(subscribers[0].attributes["city"] == .string("Pune"))
            #expect(subscribers[1].name == "Bo")
            #expect(subscribers[2].name == "Dée, \"the\" Ünïcode")
            #expect(try await app.services.stores.lists.list(id: list.id)?.subscriberStatuses == ["unconfirmed": 3])

            // Existing subscribers keep their details unless the import overwrites them.
            let again = "email,name\nana@example.com,Renamed\n"
            _ = try await Self.post(
                app, headers: admin, params: #"{"mode":"subscribe","lists":[\#(list.id.rawValue)]}"#,
                file: ("again.csv", Array(again.utf8)))
            _ = try await Self.waitForEnd(app)
            #expect(try await app.services.stores.subscribers.subscriber(id: subscribers[0].id)?.name == "Ana")
            _ = try await Self.post(
                app, headers: admin,
                params:
                    #"{"mode":"subscribe","lists":[\#(list.id.rawValue)],"overwrite":true,"subscription_status":"confirmed"}"#,
                file: ("again.csv", Array(again.utf8)))
            _ = try await Self.waitForEnd(app)
            let renamed = try await app.services.stores.subscribers.subscriber(id: subscribers[0].id)
            #expect(renamed?.name == "Renamed")
            #expect(renamed?.subscriptions.first?.status == .confirmed)

            // DELETE on a finished import resets it.
            let reset = try await app.request(.delete, "/api/import/subscribers", headers: admin)
            #expect(reset.dataObject["status"] as? String == "none")
            #expect(try await app.request(.get, "/api/import/subscribers/logs", headers: admin).data as? String == "")
        }
    }

    @Test("blocklist mode, a ZIP holding the CSV, and a semicolon delimiter", arguments: TestBackend.enabled)
    func blocklistZip(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let list = try await app.makeList("A")
            _ = try await app.request(
                .post, "/api/subscribers", headers: admin,
                json: ["email": "old@example.com", "lists": [list.id.rawValue], "preconfirm_subscriptions": true])
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let zip = directory.appendingPathComponent("list.zip")
            let archive = try Archive(url: zip, accessMode: .create)
            let csv = Data("email;name\nold@example.com;Old\nnew@example.com;New\n".utf8)
            try archive.addEntry(
                with: "export/blocked.csv", type: .file, uncompressedSize: Int64(csv.count),
                provider: { position, size in csv.subdata(in: Int(position)..<Int(position) + size) })
            let bytes = try [UInt8](Data(contentsOf: zip))
            let response = try await Self.post(
                app, headers: admin, params: #"{"mode":"blocklist","delim":";"}"#, file: ("list.zip", bytes))
            #expect(response.status == .ok, "\(response.body)")
            let end = try await Self.waitForEnd(app)
            #expect(end["imported"] as? Int == 2, "\(end)")
            let all = try await app.services.stores.subscribers.subscribers(SubscriberQuery()).items
            #expect(all.allSatisfy { $0.status == .blocklisted })
            #expect(try await app.services.stores.lists.list(id: list.id)?.subscriberStatuses == ["unsubscribed": 1])
        }
    }

    @Test("refusals come in listmonk's order and words, and leave the importer idle", arguments: TestBackend.enabled)
    func refusals(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let list = try await app.makeList("A")
            let other = try await app.makeList("B")
            let file = ("a.csv", Array("email\na@example.com\n".utf8))
            let lists = #""lists":[\#(list.id.rawValue)]"#
            let cases: [(String?, (String, [UInt8])?, HTTPResponse.Status, String)] = [
                (nil, file, .badRequest, "Invalid params: unexpected end of JSON input"),
                ("{nope", file, .badRequest, "Invalid params: the parameters are not valid JSON"),
                (#"{"mode":"subscribe"}"#, file, .forbidden, "Permission denied: lists"),
                (#"{"mode":"replace",\#(lists)}"#, file, .badRequest, "Invalid mode"),
                (
                    #"{"mode":"subscribe",\#(lists),"subscription_status":"maybe"}"#, file, .badRequest,
                    "Invalid subscription status"
                ),
                (
                    #"{"mode":"subscribe",\#(lists),"delim":";;"}"#, file, .badRequest,
                    "Delimiter should be a single character."
                ),
                (#"{"mode":"subscribe",\#(lists)}"#, nil, .badRequest, "Invalid file: http: no such file"),
                (
                    #"{"mode":"subscribe",\#(lists)}"#, ("a.zip", Array("not a zip".utf8)), .badRequest,
                    "Invalid file: expected a .csv file or a ZIP holding one"
                ),
            ]
            for (params, file, status, message) in cases {
                let response = try await Self.post(app, headers: admin, params: params, file: file)
                #expect(response.status == status, "\(message): \(response.body)")
                #expect(response.message == message)
                #expect(app.services.importer.status.state == .none)
            }
            // A caller who may not manage the list is refused it.
            let role = try await app.makeListRole("B managers", [(other.id, [.manage])])
            let importer = try await app.headers(holding: [.subscribersImport], listRole: role.id)
            let denied = try await Self.post(
                app, headers: importer, params: #"{"mode":"subscribe",\#(lists)}"#, file: file)
            #expect(denied.status == .forbidden)
            let notJSON = try await app.request(
                .post, "/api/import/subscribers", headers: admin, json: ["mode": "subscribe"])
            #expect(notJSON.status == .badRequest)
            #expect(try await app.services.stores.subscribers.subscribers(SubscriberQuery()).total == 0)
        }
    }

    @Test("one import at a time; stopping ends it between batches", arguments: TestBackend.enabled)
    func oneAtATime(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let list = try await app.makeList("A")
            var csv = "email,name\n"
            for index in 0..<30_000 { csv += "big\(index)@example.com,Big \(index)\n" }
            let params = #"{"mode":"subscribe","lists":[\#(list.id.rawValue)]}"#
            let first = try await Self.post(app, headers: admin, params: params, file: ("big.csv", Array(csv.utf8)))
            #expect(first.status == .ok)
            let second = try await Self.post(
                app, headers: admin, params: params, file: ("small.csv", Array("email\nx@example.com\n".utf8)))
            #expect(second.status == .badRequest)
            #expect(
                second.message
                    == "An import is already running. Wait for it to finish or stop it before trying again.")
            let stopping = try await app.request(.delete, "/api/import/subscribers", headers: admin)
            #expect(["stopping", "finished"].contains(stopping.dataObject["status"] as? String))
            let end = try await Self.waitForEnd(app)
            let imported = try #require(end["imported"] as? Int)
            #expect(imported % SubscriberImporter.defaultBatchSize == 0 || imported == 30_000)  // whole batches only
            let stored = try await app.services.stores.subscribers.subscribers(SubscriberQuery()).total
            #expect(stored == imported)
        }
    }

    @Test(
        "a list-A importer cannot overwrite, blocklist or subscribe a list-B subscriber", arguments: TestBackend.enabled
    )
    func importStaysInScope(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let a = try await app.makeList("A")
            let b = try await app.makeList("B")
            for (email, list) in [("lista-1@example.com", a.id), ("listb-2@example.com", b.id)] {
                let created = try await app.request(
                    .post, "/api/subscribers", headers: admin,
                    json: ["email": email, "name": "Original", "attribs": ["secret": "kept"], "lists": [list.rawValue]])
                #expect(created.status == .ok)
            }
            let onA = try await app.makeListRole("on A", [(a.id, [.get, .manage])])
            let importer = try await app.headers(
                holding: [.subscribersGet, .subscribersManage, .subscribersImport], listRole: onA.id)
            let csv = """
                email,name,attributes
                listb-2@example.com,Overwritten,"{""secret"": ""gone""}"
                lista-1@example.com,Renamed,"{""city"": ""Pune""}"
                new@example.com,New,

                """
            for mode in ["subscribe", "blocklist"] {
                let params = #"{"mode":"\#(mode)","lists":[\#(a.id.rawValue)],"overwrite":true}"#
                let started = try await Self.post(
                    app, headers: importer, params: params, file: ("s.csv", Array(csv.utf8)))
                #expect(started.status == .ok)
                let status = try await Self.waitForEnd(app)
                #expect(status["status"] as? String == "finished")
                #expect(status["imported"] as? Int == 2, "\(mode)")
                let log =
                    try await app.request(.get, "/api/import/subscribers/logs", headers: admin).data as? String ?? ""
                #expect(log.contains("skipping line 2: the subscriber exists and is not on a list you may manage"))
                #expect(!log.contains("Original") && !log.contains("listb-2") && !log.contains("kept"))
            }
            // The list-B subscriber is exactly as it was: name, attributes, status, lists.
            let found = try await app.request(
                .get, "/api/subscribers?query=subscribers.email%3D%27listb-2%40example.com%27", headers: admin)
            let row = try #require((found.dataObject["results"] as? [[String: Any]])?.first)
            #expect(row["name"] as? String == "Original")
            #expect((row["attribs"] as? [String: Any])?["secret"] as? String == "kept")
            #expect(row["status"] as? String == "enabled")
            #expect((row["lists"] as? [[String: Any]])?.map { $0["id"] as? Int } == [b.id.rawValue])
            // And the importer does not see it in its listing.
            let listing = try await app.request(.get, "/api/subscribers?per_page=all", headers: importer)
            let emails = (listing.dataObject["results"] as? [[String: Any]])?.compactMap { $0["email"] as? String }
            #expect(emails?.sorted() == ["lista-1@example.com", "new@example.com"])
            // The in-scope subscriber was overwritten, then blocklisted.
            let mine = (listing.dataObject["results"] as? [[String: Any]])?.first {
                $0["email"] as? String == "lista-1@example.com"
            }
            #expect(mine?["name"] as? String == "Renamed")
            #expect(mine?["status"] as? String == "blocklisted")
        }
    }
}
