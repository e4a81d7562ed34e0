UNWIND $rows AS row
MATCH (a:Account {id: row.id}), (p:Account {id: row.parent_id})
USING INDEX a:Account(id)
USING INDEX p:Account(id)
CREATE (a)-[:CHILD_OF]->(p)
