UNWIND $rows AS row
MATCH (t:Touchpoint {id: row.touchpoint_id}), (r:Rep {id: row.rep_id})
USING INDEX t:Touchpoint(id)
USING INDEX r:Rep(id)
CREATE (t)-[:BY]->(r)
