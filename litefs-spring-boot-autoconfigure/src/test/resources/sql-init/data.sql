insert into posts (title, node) values ('from data.sql', 'primary');
