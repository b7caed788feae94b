import HTTPTypes
import Hummingbird
import NIOCore

/// The admin UI's stylesheet and script, served by Tidings itself (one binary, no packages).
/// The script only adds comfort: every page works without it.
enum AdminAssets {
    static let routes = [
        PublicRoute(.get, "admin/static/tidings.css", "the admin UI's stylesheet") { _, _ in
            response(stylesheet, type: "text/css; charset=utf-8")
        },
        PublicRoute(.get, "admin/static/tidings.js", "the admin UI's script (every page works without it)") { _, _ in
            response(script, type: "text/javascript; charset=utf-8")
        },
    ]

    private static func response(_ text: String, type: String) -> Response {
        var headers: HTTPFields = [.contentType: type, .cacheControl: "public, max-age=3600"]
        headers[.xContentTypeOptions] = "nosniff"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static let stylesheet = """
        :root{--ink:#1d2330;--muted:#5b6474;--line:#d9dde5;--bg:#f6f7f9;--card:#fff;--accent:#1f5fbf;
          --danger:#b3261e;--warn:#8a5a00;--ok:#1e7b34;--focus:#ffbf47}
        *{box-sizing:border-box}
        body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
        a{color:var(--accent)}
        :focus-visible{outline:3px solid var(--focus);outline-offset:2px}
        .skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:9}
        header.top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.5rem;padding:.6rem 1.2rem;background:var(--ink);color:#fff}
        header.top a{color:#fff;text-decoration:none}
        .brand{font-weight:700;font-size:1.15rem}
        nav ul{display:flex;flex-wrap:wrap;gap:.2rem 1rem;list-style:none;margin:0;padding:0}
        nav a[aria-current=page]{text-decoration:underline;text-underline-offset:.3rem}
        .logout{margin-left:auto;display:flex;align-items:center;gap:.5rem}
        main{max-width:72rem;margin:1.5rem auto;padding:0 1rem}
        main.narrow{max-width:30rem}
        h1{font-size:1.6rem;margin:.2rem 0 1rem}
        h2{font-size:1.2rem;margin:1.6rem 0 .6rem}
        .card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem 1.2rem;margin:0 0 1rem}
        .table{overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:8px}
        table{border-collapse:collapse;width:100%}
        th,td{text-align:left;padding:.55rem .7rem;border-bottom:1px solid var(--line);vertical-align:top}
        th{font-size:.85rem;color:var(--muted);font-weight:600}
        tr:last-child td{border-bottom:0}
        label{display:block;font-weight:600;margin:.9rem 0 .25rem}
        .hint{color:var(--muted);font-size:.9rem;margin:.2rem 0}
        input[type=text],input[type=email],input[type=password],input[type=number],input[type=date],input:not([type]),select,textarea{
          width:100%;max-width:32rem;padding:.5rem .6rem;border:1px solid #9aa3b2;border-radius:6px;font:inherit;background:#fff}
        textarea{min-height:5rem}
        fieldset{border:1px solid var(--line);border-radius:8px;margin:1rem 0;padding:.6rem 1rem}
        legend{font-weight:600;padding:0 .3rem}
        .choice{display:flex;gap:.5rem;align-items:flex-start;font-weight:400;margin:.35rem 0}
        .choice input{margin-top:.35rem}
        button,.button{display:inline-block;padding:.5rem 1rem;border-radius:6px;border:1px solid var(--accent);
          background:var(--accent);color:#fff;font:inherit;cursor:pointer;text-decoration:none}
        button.secondary,.button.secondary{background:#fff;color:var(--accent)}
        button.danger{background:var(--danger);border-color:var(--danger)}
        button.link{background:none;border:0;color:inherit;text-decoration:underline;padding:0}
        .actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:1rem 0}
        .inline{display:inline-flex;gap:.4rem;align-items:center;margin:.15rem 0}
        .inline select{width:auto}
        .notice{background:#e7f4ea;border:1px solid #9fd3ac;padding:.6rem .9rem;border-radius:6px}
        .error,.field-error{color:var(--danger)}
        p.error{background:#fdecea;border:1px solid #f2b8b5;padding:.6rem .9rem;border-radius:6px}
        .badge{display:inline-block;font-size:.8rem;padding:.05rem .45rem;border-radius:999px;border:1px solid var(--line);background:#eef1f6}
        .badge.ok{background:#e7f4ea;border-color:#9fd3ac;color:var(--ok)}
        .badge.warn{background:#fff4d6;border-color:#f0cf7a;color:var(--warn)}
        .badge.bad{background:#fdecea;border-color:#f2b8b5;color:var(--danger)}
        tr.expiring td{background:#fffaeb}tr.expired td{background:#fdf1f0}
        .secret{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
        .secret code{font-size:1.05rem;padding:.5rem .7rem;background:#10141c;color:#e8f0ff;border-radius:6px;word-break:break-all}
        pre{background:#10141c;color:#e8f0ff;padding:.7rem .9rem;border-radius:6px;overflow-x:auto}
        .warning{background:#fff4d6;border:1px solid #f0cf7a;padding:.6rem .9rem;border-radius:6px}
        .qr svg{width:232px;height:232px;display:block;margin:.5rem 0}
        [hidden]{display:none!important}
        @media (max-width:40rem){main{margin:1rem auto}th,td{padding:.45rem}.logout{margin-left:0}}
        """

    static let script = """
        // Tidings admin: comfort only. Copy buttons, confirmations, and the user-type switch.
        document.addEventListener("click", function (event) {
          var button = event.target.closest("[data-copy]");
          if (!button) return;
          var source = document.getElementById(button.getAttribute("data-copy"));
          if (!source || !navigator.clipboard) return;
          navigator.clipboard.writeText(source.textContent.trim()).then(function () {
            var label = button.textContent;
            button.textContent = "Copied";
            setTimeout(function () { button.textContent = label; }, 2000);
          });
        });
        document.addEventListener("submit", function (event) {
          var message = event.target.getAttribute("data-confirm");
          if (message && !window.confirm(message)) event.preventDefault();
        });
        function syncUserType() {
          var checked = document.querySelector("input[name=type]:checked");
          if (!checked) return;
          document.querySelectorAll("[data-user-only]").forEach(function (element) {
            element.hidden = checked.value === "api";
            element.querySelectorAll("input").forEach(function (input) { input.disabled = checked.value === "api"; });
          });
        }
        document.addEventListener("change", function (event) {
          if (event.target.name === "type") syncUserType();
        });
        function followImport() {
          var box = document.querySelector("[data-import-status]");
          if (!box || ["importing", "stopping"].indexOf(box.getAttribute("data-state")) < 0) return;
          var timer = setInterval(function () {
            Promise.all([
              fetch("/api/import/subscribers", { credentials: "same-origin" }).then(function (r) { return r.json(); }),
              fetch("/api/import/subscribers/logs", { credentials: "same-origin" }).then(function (r) { return r.json(); })
            ]).then(function (answers) {
              var status = answers[0].data, log = answers[1].data;
              document.getElementById("import-imported").textContent = status.imported;
              document.getElementById("import-total").textContent = status.total;
              document.getElementById("import-state").textContent = status.status;
              document.getElementById("import-log").textContent = log;
              if (["importing", "stopping"].indexOf(status.status) < 0) { clearInterval(timer); location.href = location.pathname; }
            }).catch(function () { clearInterval(timer); });
          }, 1000);
        }
        document.addEventListener("DOMContentLoaded", function () {
          syncUserType();
          followImport();
          document.querySelectorAll("[data-copy]").forEach(function (button) { button.hidden = !navigator.clipboard; });
        });
        """
}
