import TidingsCore

/// The three route tables as Markdown. `docs/routes.md` is exactly this text; a test fails when
/// the file no longer matches the tables, and regenerates it when asked
/// (`TIDINGS_WRITE_ROUTES_DOC=1 swift test --filter RouteCatalogTests`).
public enum RouteCatalog {
    public static func markdown(services: AppServices) -> String {
        let http = HTTPEdges(configuration: services.configuration)
        var lines = [
            "# Routes",
            "",
            "Every route Tidings serves, with what a caller needs to reach it. This file is generated from",
            "the route tables in `Sources/TidingsServer/Application/Routes.swift`; do not edit it by hand",
            "(`TIDINGS_WRITE_ROUTES_DOC=1 swift test --filter RouteCatalogTests` writes it again).",
            "",
            "## API",
            "",
            "Under `/api`. Every route needs a token (`Authorization`) or a session cookie, then the",
            "permission shown (one of them, when several are listed). \"signed in\" routes check per-list",
            "access in the handler. Calls that change state are written to the audit log under the action",
            "shown.",
            "",
            "| Method | Path | Permission | Audit action |",
            "|---|---|---|---|",
        ]
        for route in apiRoutes(services: services) {
            let permission: String
            switch route.requirement {
            case .authenticated: permission = "signed in"
            case .anyOf(let permissions): permission = names(permissions)
            }
            lines.append(
                "| \(route.method.rawValue) | `/api/\(route.path)` | \(permission) | \(route.action.map { "`\($0)`" } ?? "") |"
            )
        }
        lines += [
            "",
            "## Admin UI",
            "",
            "Under `/admin`. Every page needs a session (else a redirect to the login form), a `POST` the",
            "session's CSRF token and a same-origin request, then the permission shown.",
            "",
            "| Method | Path | Permission |",
            "|---|---|---|",
        ]
        for route in adminRoutes(services: services, http: http) {
            let path = route.path.isEmpty ? "/admin" : "/admin/\(route.path)"
            let permission = route.anyOf.isEmpty ? "signed in" : names(route.anyOf)
            lines.append(
                "| \(route.method.rawValue) | `\(path)` | \(permission)\(route.multipart ? " (upload)" : "") |")
        }
        lines += [
            "",
            "## Public",
            "",
            "No credential. Throttled where a guess could be made (login, TOTP, the leak report).",
            "",
            "| Method | Path | What it is |",
            "|---|---|---|",
        ]
        for route in publicRoutes(services: services, http: http) {
            lines.append("| \(route.method.rawValue) | `/\(route.path)` | \(route.purpose) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func names(_ permissions: [Permission]) -> String {
        permissions.map { "`\($0.rawValue)`" }.joined(separator: " or ")
    }
}
