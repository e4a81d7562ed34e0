UNWIND $ids AS id
MATCH (a:Contact {id: id})
USING INDEX a:Contact(id)
UNWIND [(a)-[r:INFLUENCES]->(b:Contact)
        | {influencer_id: a.id, influenced_id: b.id, kind: r.kind, strength: r.strength,
           source: r.source, valid_from: r.valid_from, valid_to: r.valid_to,
           ref: elementId(r)}] AS row
RETURN collect(row) AS rows
