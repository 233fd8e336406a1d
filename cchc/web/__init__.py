"""The archive's reading pages, one module per page type (article, person, province, search, feed,
map, archived copy). Each module reads a sqlite3 connection and returns plain data (a template
context, or bytes); the Datasette plugin (cchc/plugins/cchc_publish.py) only routes to them.

Everything crawled reaches the browser escaped: where a page needs markup around crawled text
(highlighted evidence, search snippets), the text is escaped first and only our own tags are added
(`markup.highlight`)."""
