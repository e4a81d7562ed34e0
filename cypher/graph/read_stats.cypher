CALL () { MATCH (n:Account) RETURN count(n) AS account }
CALL () { MATCH (n:Contact) RETURN count(n) AS contact }
CALL () { MATCH (n:ContactStatus) RETURN count(n) AS contact_status }
CALL () { MATCH ()-[r:REPORTS_TO]->() RETURN count(r) AS reports_to }
CALL () { MATCH ()-[r:INFLUENCES]->() RETURN count(r) AS influence }
CALL () { MATCH (n:Rep) RETURN count(n) AS rep }
CALL () { MATCH ()-[r:KNOWS]->() RETURN count(r) AS rep_knows }
CALL () { MATCH (n:Deal) RETURN count(n) AS deal }
CALL () { MATCH (n:StageChange) RETURN count(n) AS stage_change }
CALL () { MATCH (n:CloseDateChange) RETURN count(n) AS close_date_change }
CALL () { MATCH ()-[r:ROLE_ON]->() RETURN count(r) AS deal_role }
CALL () { MATCH (n:Touchpoint) RETURN count(n) AS touchpoint }
CALL () { MATCH (n:ChangeLogPage) RETURN sum(n.n) AS change_log }
RETURN account, contact, contact_status, reports_to, influence, rep, rep_knows, deal,
       stage_change, close_date_change, deal_role, touchpoint, change_log
