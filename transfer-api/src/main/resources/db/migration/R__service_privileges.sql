-- Re-run after every migration run (the placeholder changes each time): the service roles' grants cover every table.
-- ${flyway:timestamp}
SELECT grant_service_privileges();

