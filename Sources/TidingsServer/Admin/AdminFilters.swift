import Foundation
import Hummingbird

/// The filters of a searchable admin page, read from its query string, and the links that keep
/// them: to the next and previous pages, and to the matching API export.
struct AdminFilters {
    let path: String
    /// Each named filter, trimmed; `""` when absent.
    let values: [String: String]
    /// 1-based, from `page`.
    let page: Int

    init(_ request: Request, path: String, names: [String]) {
        let parameters = request.query
        var values: [String: String] = [:]
        for name in names {
            values[name] = parameters[name[...]].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        }
        self.path = path
        self.values = values
        page = max(1, parameters["page"].flatMap { Int($0) } ?? 1)
    }

    subscript(_ name: String) -> String { values[name] ?? "" }

    /// RFC 3986's unreserved characters: all that a query value needs unescaped.
    static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// The filters in use as `name=value` pairs, escaped, in a stable order.
    var queryItems: [String] {
        values.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? "")" }
    }

    /// `base` with the filters in use as its query string.
    func link(_ base: String) -> String { queryItems.isEmpty ? base : base + "?" + queryItems.joined(separator: "&") }

    /// `page`, `pages`, and `previous`/`next` links keeping the filters, for `total` results.
    func paging(total: Int, perPage: Int) -> [String: Any] {
        let pages = max(1, (total + perPage - 1) / perPage)
        let base = path + "?" + queryItems.map { $0 + "&" }.joined()
        var data: [String: Any] = ["page": page, "pages": pages, "total": total]
        if page > 1 { data["previous"] = base + "page=\(page - 1)" }
        if page < pages { data["next"] = base + "page=\(page + 1)" }
        return data
    }
}
