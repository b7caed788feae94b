import Foundation
import TidingsCore

extension TestApp {
    /// A new subscriber (its UUID as the API printed it) awaiting confirmation on a new double
    /// opt-in list named `name`.
    public func makeSubscriberAwaitingOptin(list name: String) async throws -> (uuid: String, list: MailingList) {
        let list = try await makeList(name, optin: .double)
        let created = try await request(
            .post, "/api/subscribers", headers: try await adminHeaders(),
            json: ["email": "r@example.com", "lists": [list.id.rawValue]])
        guard let uuid = created.dataObject["uuid"] as? String else {
            throw TidingsError.badRequest("no subscriber created: \(created.body)")
        }
        return (uuid, list)
    }
}
