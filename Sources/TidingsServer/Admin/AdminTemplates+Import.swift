extension AdminTemplates {
    static var imports: [(String, String)] { [("import", importPage)] }

    static let importPage = """
        <h1>Import subscribers</h1>
        <div class="card" data-import-status data-state="{{state}}" aria-live="polite">
        <p>Last import: <strong id="import-name">{{name}}</strong> — <span id="import-state" class="badge">{{state}}</span>,
        <span id="import-imported">{{imported}}</span> of <span id="import-total">{{total}}</span> rows.</p>
        {{#running}}<form method="post" action="/admin/subscribers/import/stop" class="actions">
        <input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" class="danger">Stop the import</button>
        <a href="/admin/subscribers/import">Refresh</a></form>{{/running}}
        <label for="import-log">Log</label>
        <pre id="import-log" tabindex="0">{{log}}</pre>
        </div>
        {{^running}}
        <h2>New import</h2>
        <form method="post" action="/admin/subscribers/import" enctype="multipart/form-data" class="card">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="file">CSV file, or a ZIP holding one</label>
        <input id="file" name="file" type="file" accept=".csv,.zip,text/csv,application/zip" required aria-describedby="file-hint">
        <p class="hint" id="file-hint">A header row with <code>email</code>, and optionally <code>name</code> and <code>attributes</code> (a JSON object).</p>
        <fieldset><legend>Mode</legend>
        <label class="choice"><input type="radio" name="mode" value="subscribe" checked> Subscribe them to the lists below</label>
        <label class="choice"><input type="radio" name="mode" value="blocklist"> Blocklist them</label></fieldset>
        <fieldset><legend>Lists</legend>
        {{#lists}}<label class="choice"><input type="checkbox" name="lists" value="{{id}}"> {{name}}</label>{{/lists}}
        {{^lists}}<p class="hint">You may not manage any list: only blocklisting is possible.</p>{{/lists}}</fieldset>
        <label for="subscription_status">Subscription status</label>
        <select id="subscription_status" name="subscription_status"><option value="">default (unconfirmed)</option>
        <option value="confirmed">confirmed</option><option value="unconfirmed">unconfirmed</option><option value="unsubscribed">unsubscribed</option></select>
        <label for="delim">Delimiter</label><input id="delim" name="delim" value="," maxlength="1" size="2">
        <label class="choice"><input type="checkbox" name="overwrite" value="true"> Overwrite names, attributes and subscription statuses of existing subscribers</label>
        <p class="actions"><button type="submit">Start the import</button></p>
        </form>
        {{/running}}
        """
}
