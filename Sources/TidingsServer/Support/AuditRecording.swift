import HTTPTypes
import Hummingbird
import TidingsCore

extension AuditLog {
    /// The event of an API call that changes state: who, from where, which route, what answer,
    /// and what it acted on (the handler's note, else the ids in the path).
    func recordCall(
        _ action: String, route: APIRoute, request: Request, context: AuthenticatedContext,
        status: HTTPResponse.Status
    ) {
        let target = context.audit?.target ?? Self.pathTarget(route, context)
        record(
            AuditEvent(
                at: clock.now(), action: action, outcome: status.code < 400 ? .success : .failure,
                actor: AuditEvent.Actor(context.principal), clientIP: context.clientIP,
                userAgent: request.headers[.userAgent], method: request.method.rawValue, route: "/api/\(route.path)",
                status: status.code, targetType: target?.type, targetID: target?.id))
    }

    /// `token_id` in the path names a token; otherwise `id` names the route's first resource
    /// (`users/:id` → user).
    static func pathTarget(_ route: APIRoute, _ context: AuthenticatedContext) -> (type: String, id: String)? {
        if let token = context.parameters.get("token_id") { return ("token", token) }
        guard let id = context.parameters.get("id") else { return nil }
        let resource = route.path.split(separator: "/").first.map(String.init) ?? "resource"
        return (resource.hasSuffix("s") ? String(resource.dropLast()) : resource, id)
    }
}
