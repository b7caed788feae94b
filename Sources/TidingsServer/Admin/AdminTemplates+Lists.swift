extension AdminTemplates {
    static var lists: [(String, String)] {
        [("lists", listsPage), ("list-form", listForm), ("list-delete", listDelete)]
    }

    static let listsPage = """
        <h1>Lists</h1>
        {{#canCreate}}<p class="actions"><a class="button" href="/admin/lists/new">New list</a></p>{{/canCreate}}
        <form method="get" action="/admin/lists" class="card" role="search">
        <label for="search">Name contains</label><input id="search" name="search" value="{{search}}">
        <div class="actions">
        <label for="type" class="inline">Type <select id="type" name="type"><option value="">any</option>
        <option value="public"{{#selected.type-public}} selected{{/selected.type-public}}>public</option>
        <option value="private"{{#selected.type-private}} selected{{/selected.type-private}}>private</option>
        <option value="temporary"{{#selected.type-temporary}} selected{{/selected.type-temporary}}>temporary</option></select></label>
        <label for="optin" class="inline">Opt-in <select id="optin" name="optin"><option value="">any</option>
        <option value="single"{{#selected.optin-single}} selected{{/selected.optin-single}}>single</option>
        <option value="double"{{#selected.optin-double}} selected{{/selected.optin-double}}>double</option></select></label>
        <label for="status" class="inline">Status <select id="status" name="status"><option value="">any</option>
        <option value="active"{{#selected.status-active}} selected{{/selected.status-active}}>active</option>
        <option value="archived"{{#selected.status-archived}} selected{{/selected.status-archived}}>archived</option></select></label>
        <button type="submit">Search</button> <a href="/admin/lists">Clear</a></div>
        </form>
        <p class="hint">{{total}} list(s); page {{page}} of {{pages}}.</p>
        <div class="table"><table>
        <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Opt-in</th><th scope="col">Subscribers</th><th scope="col">Tags</th><th scope="col"><span class="hint">Actions</span></th></tr></thead>
        <tbody>
        {{#lists}}<tr><td><strong>{{name}}</strong>{{#archived}} <span class="badge">archived</span>{{/archived}}</td>
        <td>{{type}}</td><td>{{optin}}</td><td>{{count}}{{#statuses}}<br><span class="hint">{{statuses}}</span>{{/statuses}}</td><td>{{tags}}</td>
        <td>{{#canManage}}<a href="/admin/lists/{{id}}/edit" aria-label="Edit {{name}}">Edit</a> <a href="/admin/lists/{{id}}/delete" aria-label="Delete {{name}}">Delete</a>{{/canManage}}</td></tr>{{/lists}}
        {{^lists}}<tr><td colspan="6">No lists match.</td></tr>{{/lists}}
        </tbody></table></div>
        <p class="actions">{{#previous}}<a class="button secondary" href="{{previous}}" rel="prev">Previous</a>{{/previous}}
        {{#next}}<a class="button secondary" href="{{next}}" rel="next">Next</a>{{/next}}</p>
        """

    static let listForm = """
        <h1>{{#id}}Edit list{{/id}}{{^id}}New list{{/id}}</h1>
        <form method="post" action="{{#id}}/admin/lists/{{id}}/edit{{/id}}{{^id}}/admin/lists/new{{/id}}" class="card">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="name">Name</label><input id="name" name="name" value="{{name}}" required maxlength="2000">
        <label for="type">Type</label><select id="type" name="type">
        <option value="private"{{#selected.type-private}} selected{{/selected.type-private}}>private — only you add subscribers</option>
        <option value="public"{{#selected.type-public}} selected{{/selected.type-public}}>public — on the subscription form</option>
        <option value="temporary"{{#selected.type-temporary}} selected{{/selected.type-temporary}}>temporary</option></select>
        <label for="optin">Opt-in</label><select id="optin" name="optin">
        <option value="single"{{#selected.optin-single}} selected{{/selected.optin-single}}>single — subscribed at once</option>
        <option value="double"{{#selected.optin-double}} selected{{/selected.optin-double}}>double — confirmed by e-mail</option></select>
        <label for="status">Status</label><select id="status" name="status">
        <option value="active"{{#selected.status-active}} selected{{/selected.status-active}}>active</option>
        <option value="archived"{{#selected.status-archived}} selected{{/selected.status-archived}}>archived</option></select>
        <label for="tags">Tags <span class="hint">(comma-separated)</span></label><input id="tags" name="tags" value="{{tags}}">
        <label for="description">Description</label><textarea id="description" name="description">{{description}}</textarea>
        <p class="actions"><button type="submit">{{#id}}Save{{/id}}{{^id}}Create list{{/id}}</button> <a href="/admin/lists">Cancel</a></p>
        </form>
        """

    static let listDelete = """
        <h1>Delete the list {{name}}?</h1>
        <div class="card"><p>Its {{count}} subscription(s) go with it; the subscribers stay. This cannot be undone.</p>
        <form method="post" action="/admin/lists/{{id}}/delete" class="actions">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <button type="submit" class="danger">Delete {{name}}</button> <a href="/admin/lists">Cancel</a></form></div>
        """
}
