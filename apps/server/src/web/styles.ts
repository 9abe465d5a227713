/**
 * The console's one stylesheet, inlined in every page (the CSP allows inline styles and nothing
 * from elsewhere, so no page fetches an asset). System fonts, light and dark by the OS setting,
 * readable from phone to desktop; colour is never the only signal (results also carry words).
 */
export const CONSOLE_CSS = `
:root{--bg:#f6f7f9;--panel:#fff;--text:#1d2330;--muted:#5b6475;--line:#dde1e8;--accent:#2457c5;--accent-text:#fff;--ok:#137333;--bad:#b3261e;--warn:#8a5a00;--code:#eef1f6;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#11141a;--panel:#1a1f28;--text:#e6e9ef;--muted:#9aa3b2;--line:#2c3340;--accent:#7aa2ff;--accent-text:#0b1020;--ok:#5cc27a;--bad:#ff8a80;--warn:#e0b44c;--code:#232a36}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--accent)}a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:.5rem;background:var(--panel);padding:.5rem;z-index:2}
header.top{background:var(--panel);border-bottom:1px solid var(--line);display:flex;flex-wrap:wrap;align-items:center;gap:.25rem 1.25rem;padding:.6rem 1.25rem}
.brand{font-weight:700;font-size:1.1rem;text-decoration:none;color:var(--text);letter-spacing:.02em}
.brand span{color:var(--accent)}
nav.main ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:0;padding:0}
nav.main a{text-decoration:none;color:var(--muted);padding:.2rem 0}nav.main a[aria-current=page]{color:var(--text);border-bottom:2px solid var(--accent)}
.who{margin-left:auto;display:flex;align-items:center;gap:.75rem;color:var(--muted)}
main{max-width:72rem;margin:0 auto;padding:1.25rem}main.narrow{max-width:36rem;margin-top:3rem}
h1{font-size:1.5rem;margin:.25rem 0 1rem}h2{font-size:1.15rem;margin:1.75rem 0 .6rem}
.crumbs{color:var(--muted);font-size:.9rem;margin:0 0 .25rem}.crumbs a{color:var(--muted)}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:1rem;margin-bottom:1rem}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(11rem,1fr));gap:.75rem;margin:0 0 1rem}
.facts div{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:.6rem .8rem}
.facts dt{color:var(--muted);font-size:.8rem;text-transform:uppercase;letter-spacing:.04em}.facts dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.table-wrap{overflow-x:auto;background:var(--panel);border:1px solid var(--line);border-radius:8px;margin-bottom:1rem}
table{border-collapse:collapse;width:100%}th,td{padding:.45rem .7rem;text-align:left;border-bottom:1px solid var(--line);vertical-align:top}
thead th{font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);background:var(--panel);position:sticky;top:0}
tbody tr:last-child td{border-bottom:0}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em}code{background:var(--code);padding:.05rem .3rem;border-radius:4px}
.urn{color:var(--muted);overflow-wrap:anywhere}
.badge{display:inline-block;border-radius:999px;padding:.05rem .55rem;font-size:.8rem;font-weight:600;border:1px solid currentColor}
.ok{color:var(--ok)}.bad{color:var(--bad)}.warn{color:var(--warn)}.muted{color:var(--muted)}
.tag{display:inline-block;background:var(--code);border-radius:4px;padding:0 .4rem;margin:0 .25rem .25rem 0;font-size:.85rem}
form.inline{display:inline}form.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin-bottom:1rem}
label{display:block;font-size:.85rem;color:var(--muted)}
input,select{font:inherit;color:var(--text);background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:.35rem .5rem;min-height:2.25rem}
button{font:inherit;cursor:pointer;border-radius:6px;padding:.35rem .8rem;min-height:2.25rem;border:1px solid var(--accent);background:var(--accent);color:var(--accent-text)}
button.secondary{background:transparent;color:var(--accent)}button.danger{background:transparent;border-color:var(--bad);color:var(--bad)}
.notice{border-left:4px solid var(--accent);background:var(--panel);padding:.75rem 1rem;margin-bottom:1rem;border-radius:4px}
.notice.error{border-color:var(--bad)}.secret-once{font-size:1rem;word-break:break-all;display:block;padding:.5rem;margin:.5rem 0}
.tree{list-style:none;margin:0;padding:0}.tree ul{list-style:none;margin:0;padding-left:1.1rem;border-left:1px dotted var(--line)}
.tree li{padding:.2rem 0}
/* A stack of thousands of resources: the browser lays out only the rows near the screen (3x faster for 5,000; find-in-page still searches them all). */
.tree ul>li{content-visibility:auto;contain-intrinsic-size:auto 2.6rem}
.res-type{color:var(--muted)}.res-name{font-weight:600}
.events{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.8rem;white-space:pre-wrap;overflow-wrap:anywhere;max-height:40rem;overflow:auto;background:var(--code);padding:.75rem;border-radius:8px;margin:0}
.pager{display:flex;gap:1rem;margin:.5rem 0 1rem}
@media (max-width:640px){main{padding:.75rem}header.top{padding:.5rem .75rem}.who{margin-left:0}.hide-narrow{display:none}th,td{padding:.4rem .45rem}h1{font-size:1.3rem}}
/* Account pages (tokens, organizations, members, site admin) and the sign-in page. */
.panel h2{margin-top:0}.panel form label{margin-bottom:.2rem}.panel form input:not([type=checkbox]){max-width:100%}
.panel form:not(.filters) button{margin-left:.25rem}
form.filters>div{display:flex;flex-direction:column}form.filters label input[type=checkbox]{min-height:auto;margin-right:.35rem}
.secret-panel{border-color:var(--warn)}.secret-once{background:var(--code);border-radius:6px}
.member-role select{min-width:7rem}
.signin{margin-top:0}.signin .brand{display:inline-block;font-size:1.6rem;margin-bottom:1rem}
.signin form input[type=password]{width:100%;margin:.25rem 0 .75rem}.signin form button{width:100%;margin-left:0}
.signin .help{font-size:.9rem;color:var(--muted)}.signin .help h2{font-size:1rem;color:var(--text);margin-top:0}
/* Stack pages (stack lists, stack, update; web/pages/stack-list.ts, stack-page.ts, update-page.ts, resource-tree.ts, events-log.ts) */
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
form.filters>div{min-width:0}form.filters input{width:100%}
.tag-list{list-style:none;margin:0 0 1rem;padding:0;display:flex;flex-wrap:wrap}
.output-value code{white-space:pre-wrap;overflow-wrap:anywhere}
.tree-panel{overflow-x:auto}.tree li{overflow-wrap:anywhere}.tree li.match>.res-name{background:var(--code);outline:1px solid var(--accent);border-radius:3px;padding:0 .2rem}
.res-provider,.res-id{color:var(--muted);font-size:.85rem}.tree .urn{font-size:.75rem}
.event-log{list-style:none;margin:0;padding:0}.event{margin-bottom:.6rem}.event-head{font-size:.85rem;margin-bottom:.2rem}.event-seq{font-weight:600}.event-type{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.event .events{max-height:20rem}
tbody tr:last-child th{border-bottom:0}
`;
