extension AdminTemplates {
    static var audit: [(String, String)] { [("audit", auditList)] }

    static let auditList = """
        <h1>Audit log</h1>
        <form method="get" action="/admin/audit" class="card" role="search">
        <label for="actor">Actor <span class="hint">(username or user id)</span></label>
        <input id="actor" name="actor" value="{{filters.actor}}">
        <label for="action">Action <span class="hint">(exact, or a prefix ending in “.”, e.g. <code>token.</code>)</span></label>
        <input id="action" name="action" value="{{filters.action}}">
        <label for="outcome">Outcome</label>
        <select id="outcome" name="outcome"><option value="">any</option>
        <option value="success"{{#filters.outcome-success}} selected{{/filters.outcome-success}}>success</option>
        <option value="failure"{{#filters.outcome-failure}} selected{{/filters.outcome-failure}}>failure</option></select>
        <label for="from">From <span class="hint">(day, UTC)</span></label>
        <input id="from" name="from" type="date" value="{{filters.from}}">
        <label for="to">Until <span class="hint">(day, UTC, included)</span></label>
        <input id="to" name="to" type="date" value="{{filters.to}}">
        <p class="actions"><button type="submit">Filter</button> <a href="/admin/audit">Clear</a> <a href="{{export}}">Export CSV</a></p>
        </form>
        <p class="hint">{{total}} event(s); page {{page}} of {{pages}}.</p>
        <div class="table"><table>
        <thead><tr><th scope="col">When</th><th scope="col">Action</th><th scope="col">Outcome</th><th scope="col">Actor</th><th scope="col">From</th><th scope="col">Target</th></tr></thead>
        <tbody>
        {{#events}}
        <tr><td>{{at}}</td><td><code>{{action}}</code></td>
        <td>{{#ok}}<span class="badge ok">success</span>{{/ok}}{{^ok}}<span class="badge bad">failure</span>{{#code}}<br><span class="hint">{{code}}</span>{{/code}}{{/ok}}</td>
        <td>{{actor}}<br><span class="hint">{{kind}}</span></td><td>{{ip}}</td><td>{{target}}</td></tr>
        {{/events}}
        {{^events}}<tr><td colspan="6">No events match.</td></tr>{{/events}}
        </tbody></table></div>
        <p class="actions">{{#previous}}<a class="button secondary" href="{{previous}}" rel="prev">Newer</a>{{/previous}}
        {{#next}}<a class="button secondary" href="{{next}}" rel="next">Older</a>{{/next}}</p>
        """
}
