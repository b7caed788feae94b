import HTTPTypes
import Hummingbird
import NIOCore

/// Minimal server-rendered HTML: escaping and the page frame shared by the login pages.
enum HTMLPage {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A complete page outside the admin frame (login, setup, public pages), with the admin UI's
    /// stylesheet and security headers: no inline script or style anywhere.
    static func response(title: String, body: String, status: HTTPResponse.Status = .ok) -> Response {
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · Tidings</title>
            <link rel="stylesheet" href="/admin/static/tidings.css">
            </head><body><main id="main" class="narrow">
            \(body)
            </main></body></html>
            """
        return AdminRenderer.html(html, status: status)
    }

    static func notFound() -> Response {
        response(title: "Not found", body: "<h1>Page not found</h1>", status: .notFound)
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
