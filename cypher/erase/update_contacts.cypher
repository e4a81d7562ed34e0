UNWIND $rows AS row
MATCH (c:Contact {id: row.id})
SET c.name = row.name, c.name_fold = row.name_fold, c.name_ord = row.name_ord,
    c.email = row.email, c.phone = row.phone, c.linkedin_url = row.linkedin_url
