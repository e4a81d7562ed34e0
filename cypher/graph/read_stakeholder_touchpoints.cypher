UNWIND $contact_ids AS cid
MATCH (c:Contact {id: cid})
USING INDEX c:Contact(id)
UNWIND [(c)<-[:WITH]-(t:Touchpoint) WHERE t.at <= $t | t] AS t
WITH DISTINCT t
RETURN collect({id: t.id, at: t.at, direction: t.direction, sentiment: t.sentiment,
                contact_ids: t.contact_ids, rep_ids: t.rep_ids}) AS rows
