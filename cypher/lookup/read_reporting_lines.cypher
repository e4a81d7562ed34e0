UNWIND $ids AS id
MATCH (c:Contact {id: id})
USING INDEX c:Contact(id)
UNWIND [(c)-[r:REPORTS_TO]->(m:Contact)
        | {contact_id: c.id, manager_id: m.id, kind: r.kind, valid_from: r.valid_from,
           valid_to: r.valid_to, ref: elementId(r)}] AS row
RETURN collect(row) AS rows
