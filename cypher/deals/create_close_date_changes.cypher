UNWIND $rows AS row
MATCH (d:Deal {id: row.deal_id})
USING INDEX d:Deal(id)
CREATE (c:CloseDateChange {deal_id: row.deal_id, at: row.at})
SET c.from_date = row.from_date, c.to_date = row.to_date
CREATE (d)-[:HAD_CLOSE_DATE]->(c)
