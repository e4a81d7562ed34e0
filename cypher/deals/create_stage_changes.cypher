UNWIND $rows AS row
MATCH (d:Deal {id: row.deal_id})
USING INDEX d:Deal(id)
CREATE (s:StageChange {deal_id: row.deal_id, at: row.at})
SET s.from_stage = row.from_stage, s.to_stage = row.to_stage
CREATE (d)-[:HAD_STAGE]->(s)
