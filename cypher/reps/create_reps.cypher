UNWIND $rows AS row
CREATE (r:Rep {id: row.id})
SET r.id_ord = row.id_ord, r.name = row.name, r.name_fold = row.name_fold,
    r.name_ord = row.name_ord, r.email = row.email,
    r.territory = row.territory
