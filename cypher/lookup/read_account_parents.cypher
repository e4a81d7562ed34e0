UNWIND $ids AS id
MATCH (a:Account {id: id})
USING INDEX a:Account(id)
RETURN collect({id: a.id, parent_id: a.parent_id}) AS rows
