extension AdminTemplates {
    static var subscribers: [(String, String)] {
        [
            ("subscribers", subscribersPage), ("subscriber-form", subscriberForm),
            ("subscriber-delete", subscriberDelete),
        ]
    }

    static let subscribersPage = """
        <h1>Subscribers</h1>
        <p class="actions">{{#canManage}}<a class="button" href="/admin/subscribers/new">New subscriber</a>{{/canManage}}
        <a class="button secondary" href="{{export}}">Export CSV</a>
        {{#canImport}}<a class="button secondary" href="/admin/subscribers/import">Import</a>{{/canImport}}</p>
        <form method="get" action="/admin/subscribers" class="card" role="search">
        <label for="search">E-mail or name contains</label><input id="search" name="search" value="{{filters.search}}">
        <div class="actions">
        <label for="list_id" class="inline">List <select id="list_id" name="list_id"><option value="">any visible</option>
        {{#lists}}<option value="{{id}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/lists}}</select></label>
        <label for="subscription_status" class="inline">Subscription <select id="subscription_status" name="subscription_status"><option value="">any</option>
        <option value="unconfirmed"{{#statusSelected.unconfirmed}} selected{{/statusSelected.unconfirmed}}>unconfirmed</option>
        <option value="confirmed"{{#statusSelected.confirmed}} selected{{/statusSelected.confirmed}}>confirmed</option>
        <option value="unsubscribed"{{#statusSelected.unsubscribed}} selected{{/statusSelected.unsubscribed}}>unsubscribed</option></select></label>
        </div>
        {{#canQuery}}<label for="query">SQL expression <span class="hint">(advanced, e.g. <code>subscribers.attribs-&gt;&gt;'city' = 'Bengaluru'</code>)</span></label>
        <textarea id="query" name="query" spellcheck="false">{{filters.query}}</textarea>{{/canQuery}}
        <p class="actions"><button type="submit">Search</button> <a href="/admin/subscribers">Clear</a></p>
        </form>
        <p class="hint">{{total}} subscriber(s); page {{page}} of {{pages}}.</p>
        <div class="table"><table>
        <thead><tr><th scope="col">E-mail</th><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Lists</th><th scope="col">Created</th>{{#canManage}}<th scope="col"><span class="hint">Actions</span></th>{{/canManage}}</tr></thead>
        <tbody>
        {{#subscribers}}<tr><td>{{email}}</td><td>{{name}}</td>
        <td>{{#blocklisted}}<span class="badge bad">blocklisted</span>{{/blocklisted}}{{^blocklisted}}{{status}}{{/blocklisted}}</td>
        <td>{{lists}}</td><td>{{created}}</td>
        {{#canManage}}<td><a href="/admin/subscribers/{{id}}/edit" aria-label="Edit {{email}}">Edit</a>
        {{^blocklisted}}<form method="post" action="/admin/subscribers/{{id}}/blocklist" class="inline" data-confirm="Blocklist {{email}}? They are unsubscribed from every list.">
        <input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" class="link" aria-label="Blocklist {{email}}">Blocklist</button></form>{{/blocklisted}}
        <a href="/admin/subscribers/{{id}}/delete" aria-label="Delete {{email}}">Delete</a></td>{{/canManage}}</tr>{{/subscribers}}
        {{^subscribers}}<tr><td colspan="6">No subscribers match.</td></tr>{{/subscribers}}
        </tbody></table></div>
        <p class="actions">{{#previous}}<a class="button secondary" href="{{previous}}" rel="prev">Previous</a>{{/previous}}
        {{#next}}<a class="button secondary" href="{{next}}" rel="next">Next</a>{{/next}}</p>
        """

    static let subscriberForm = """
        <h1>{{#id}}Edit subscriber{{/id}}{{^id}}New subscriber{{/id}}</h1>
        <form method="post" action="{{#id}}/admin/subscribers/{{id}}/edit{{/id}}{{^id}}/admin/subscribers/new{{/id}}" class="card" novalidate>
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="email">E-mail</label>
        <input id="email" name="email" type="email" value="{{email}}" required{{#errors.email}} aria-describedby="email-error"{{/errors.email}}>
        {{#errors.email}}<p class="field-error" id="email-error">{{.}}</p>{{/errors.email}}
        <label for="name">Name <span class="hint">(empty: taken from the address)</span></label>
        <input id="name" name="name" value="{{name}}">
        {{#errors.name}}<p class="field-error" id="name-error">{{.}}</p>{{/errors.name}}
        <label for="status">Status</label><select id="status" name="status">
        <option value="enabled"{{#statusSelected.enabled}} selected{{/statusSelected.enabled}}>enabled</option>
        <option value="disabled"{{#statusSelected.disabled}} selected{{/statusSelected.disabled}}>disabled</option>
        <option value="blocklisted"{{#statusSelected.blocklisted}} selected{{/statusSelected.blocklisted}}>blocklisted</option></select>
        <label for="attribs">Attributes <span class="hint">(a JSON object)</span></label>
        <textarea id="attribs" name="attribs" spellcheck="false"{{#errors.attribs}} aria-describedby="attribs-error" aria-invalid="true"{{/errors.attribs}}>{{attribs}}</textarea>
        {{#errors.attribs}}<p class="field-error" id="attribs-error">{{.}}</p>{{/errors.attribs}}
        <fieldset><legend>Lists</legend>
        {{#lists}}<label class="choice"><input type="checkbox" name="lists" value="{{id}}"{{#selected}} checked{{/selected}}> {{name}}{{#double}} <span class="hint">(double opt-in)</span>{{/double}}</label>{{/lists}}
        {{^lists}}<p class="hint">You may not manage any list.</p>{{/lists}}
        <label class="choice"><input type="checkbox" name="preconfirm" value="true"> Confirm the subscriptions now (no opt-in e-mail)</label>
        </fieldset>
        <p class="actions"><button type="submit">{{#id}}Save{{/id}}{{^id}}Create subscriber{{/id}}</button> <a href="/admin/subscribers">Cancel</a></p>
        </form>
        """

    static let subscriberDelete = """
        <h1>Delete {{email}}?</h1>
        <div class="card"><p>The subscriber and all their subscriptions go. To keep them from being added again, blocklist them instead.</p>
        <form method="post" action="/admin/subscribers/{{id}}/delete" class="actions">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <button type="submit" class="danger">Delete {{email}}</button> <a href="/admin/subscribers">Cancel</a></form></div>
        """
}
