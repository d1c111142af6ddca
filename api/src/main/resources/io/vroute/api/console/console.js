// vroute web console (docs/console.md). A client of vroute's EC2 Query API on this page's own origin: every request is
// POST / with a form body, signed with AWS Signature Version 4 (WebCrypto), answered in EC2 XML. No framework, no build.

const VERSION = '2016-11-15';
const REGION = 'us-east-1'; // vroute has one region; the name only goes into the signature
const FORM = 'application/x-www-form-urlencoded; charset=utf-8';
const POLL_MS = 1000;
const KEY = 'vroute.console.credentials';
const EVENTS_KEPT = 2000;
const ROWS_SHOWN = 1000;

// ------------------------------------------------------------------------------------------------------ DOM helpers

/** h('td', {class: 'x'}, 'text', child, [more]): an element; text is always text, never markup. */
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat(Infinity)) if (kid != null && kid !== false) el.append(kid instanceof Node ? kid : String(kid));
  return el;
}

/** A table with a caption, column headers and rows (arrays of cells: a string, a Node or [content, attrs]). */
function table(caption, headers, rows, empty) {
  if (!rows.length) return h('p', { class: 'empty' }, empty);
  return h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map(c => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map(r => h('tr', r.attrs || {}, r.cells.map(c => Array.isArray(c) ? h('td', c[1], c[0]) : h('td', {}, c))))));
}

const row = (cells, attrs) => ({ cells, attrs });
const badge = (text, kind) => h('span', { class: 'badge ' + kind }, text);
const updown = (s) => s ? badge(s.toLowerCase(), /^up$/i.test(s) ? 'up' : /^down$/i.test(s) ? 'down' : 'other') : '—';
const code = (s) => s ? h('code', {}, s) : '—';
const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/** "1h 02m", "4m 05s", "12s": how long since an ISO time (negative clock skew shows as 0s). */
function age(iso) {
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 1000));
  if (s >= 86400) return `${Math.floor(s / 86400)}d ${Math.floor(s % 86400 / 3600)}h`;
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${String(Math.floor(s % 3600 / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** Local time with milliseconds; the date too when it is not today. */
function clock(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return iso || '—';
  const p = (n, w = 2) => String(n).padStart(w, '0');
  const t = `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
  return d.toDateString() === new Date().toDateString() ? t : `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${t}`;
}

// ------------------------------------------------------------------------------------------------------ EC2 XML

const kid = (el, name) => el ? [...el.children].find(c => c.localName === name) || null : null;
const txt = (el, name) => kid(el, name)?.textContent ?? '';
const items = (el, name) => [...(kid(el, name)?.children || [])].filter(c => c.localName === 'item');
const nameTag = (el) => items(el, 'tagSet').filter(t => txt(t, 'key') === 'Name').map(t => txt(t, 'value'))[0] || '';

class ApiError extends Error {
  constructor(action, code, message, status) {
    super(message);
    Object.assign(this, { action, code, status });
  }
  get text() { return `${this.action}: ${this.code}: ${this.message}`; }
}

// ------------------------------------------------------------------------------------------------------ SigV4

const utf8 = new TextEncoder();
const hex = (buf) => Array.from(new Uint8Array(buf), b => b.toString(16).padStart(2, '0')).join('');
const sha256 = async (s) => hex(await crypto.subtle.digest('SHA-256', utf8.encode(s)));
const hmacKey = (raw) => crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
const hmac = async (raw, s) => crypto.subtle.sign('HMAC', await hmacKey(raw), utf8.encode(s));
let signingKey = { creds: null, scope: null, key: null }; // derived once a day per key pair

/**
 * The headers that sign a POST / with this body (AWS Signature Version 4, as SigV4Authenticator checks it): canonical
 * request over content-type, host and x-amz-date and the body's SHA-256; string to sign; key derived for the day.
 */
async function signature(body, creds) {
  const amzDate = new Date().toISOString().replace(/[-:]|\.\d+/g, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${REGION}/ec2/aws4_request`;
  if (signingKey.creds !== creds || signingKey.scope !== scope) {
    let k = await hmac(utf8.encode('AWS4' + creds.secret), day);
    for (const part of [REGION, 'ec2', 'aws4_request']) k = await hmac(k, part);
    signingKey = { creds, scope, key: await hmacKey(k) };
  }
  const signed = 'content-type;host;x-amz-date';
  const canonical = ['POST', '/', '', 'content-type:' + FORM, 'host:' + location.host, 'x-amz-date:' + amzDate, '',
    signed, await sha256(body)].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, await sha256(canonical)].join('\n');
  const sig = hex(await crypto.subtle.sign('HMAC', signingKey.key, utf8.encode(toSign)));
  return {
    'X-Amz-Date': amzDate,
    Authorization: `AWS4-HMAC-SHA256 Credential=${creds.id}/${scope}, SignedHeaders=${signed}, Signature=${sig}`,
  };
}

const encode = (s) => encodeURIComponent(s).replace(/[!'()*]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase());

/** One API call; the response element, or an ApiError with EC2's code and message. */
async function call(action, params = {}, creds = state.creds) {
  const body = Object.entries({ Action: action, Version: VERSION, ...params }).map(([k, v]) => encode(k) + '=' + encode(v)).join('&');
  const headers = { 'Content-Type': FORM };
  if (creds) {
    if (!crypto.subtle) throw new ApiError(action, 'InsecureContext', 'This page is not a secure context, so the browser'
      + ' cannot sign requests. Open the console at http://127.0.0.1:PORT/console/ (through an SSH tunnel from another'
      + ' machine: ssh -L PORT:127.0.0.1:PORT HOST) or behind HTTPS.');
    Object.assign(headers, await signature(body, creds));
  }
  let res;
  try {
    res = await fetch('/', { method: 'POST', headers, body, cache: 'no-store', credentials: 'omit' });
  } catch (e) {
    throw new ApiError(action, 'NoConnection', `vroute at ${location.origin} does not answer (${e.message}). Is vroute`
      + ' serve running? The console retries every second.');
  }
  const doc = new DOMParser().parseFromString(await res.text(), 'application/xml');
  if (doc.getElementsByTagName('parsererror').length) {
    throw new ApiError(action, 'NotXml', `HTTP ${res.status} and an answer that is not EC2 XML: is this a vroute API port?`);
  }
  if (!res.ok) {
    const t = (n) => doc.getElementsByTagName(n)[0]?.textContent || '';
    throw new ApiError(action, t('Code') || 'HTTP' + res.status, t('Message') || 'no message', res.status);
  }
  return doc.documentElement;
}

/** Every item of a paged Describe/Get call (nextToken followed), up to `pages` pages; .more is set when cut. */
async function callAll(action, set, params = {}, pages = 10) {
  const out = [];
  let token = '';
  for (let i = 0; i < pages; i++) {
    const r = await call(action, { ...params, MaxResults: '1000', ...(token ? { NextToken: token } : {}) });
    out.push(...items(r, set));
    token = txt(r, 'nextToken');
    if (!token) return out;
  }
  out.more = true;
  return out;
}

// ------------------------------------------------------------------------------------------------------ state

const state = {
  creds: null,      // { id, secret } when signed in; null with --auth none or before signing in
  running: false,   // polling (signed in, or authentication off)
  authOff: false,
  timer: null,
  busy: false,
  again: false,
  gen: 0,           // bumped when the view changes: answers for an older view are dropped
  view: null,       // { name, arg, def, body, data, key }
  events: [],       // timeline, oldest first
  lastSeq: 0,
  eventsMissing: null,
  error: null,
  updated: null,
};
const main = document.getElementById('main');

function setConn(text, cls) {
  const el = document.getElementById('conn');
  if (el.textContent !== text) el.textContent = text;
  el.className = cls;
  document.getElementById('updated').textContent = state.updated ? 'updated ' + clock(state.updated.toISOString()).slice(0, 8) : '';
}

// ------------------------------------------------------------------------------------------------------ data

async function routeServers() {
  return (await callAll('DescribeRouteServers', 'routeServerSet')).map(r => ({
    id: txt(r, 'routeServerId'), name: nameTag(r), asn: txt(r, 'amazonSideAsn'), state: txt(r, 'state'),
    persist: txt(r, 'persistRoutesState'),
  }));
}

async function endpoints() {
  return (await callAll('DescribeRouteServerEndpoints', 'routeServerEndpointSet')).map(e => ({
    id: txt(e, 'routeServerEndpointId'), rs: txt(e, 'routeServerId'), vpc: txt(e, 'vpcId'), subnet: txt(e, 'subnetId'),
    eni: txt(e, 'eniId'), address: txt(e, 'eniAddress'), state: txt(e, 'state'), reason: txt(e, 'failureReason'),
    name: nameTag(e),
  }));
}

async function peers() {
  return (await callAll('DescribeRouteServerPeers', 'routeServerPeerSet')).map(p => {
    const bfd = kid(p, 'bfdStatus');
    const events = items(p, 'eventSet').map(e => ({ time: txt(e, 'time'), type: txt(e, 'type'), status: txt(e, 'status'), reason: txt(e, 'reason') }));
    return {
      id: txt(p, 'routeServerPeerId'), rs: txt(p, 'routeServerId'), endpoint: txt(p, 'routeServerEndpointId'),
      endpointAddress: txt(p, 'endpointEniAddress'), address: txt(p, 'peerAddress'), state: txt(p, 'state'),
      asn: txt(kid(p, 'bgpOptions'), 'peerAsn'), liveness: txt(kid(p, 'bgpOptions'), 'peerLivenessDetection'),
      bgp: txt(kid(p, 'bgpStatus'), 'status'), bgpSince: txt(kid(p, 'bgpStatus'), 'since'),
      routes: txt(p, 'routeCount'), best: txt(p, 'fibRouteCount'), name: nameTag(p),
      bfd: bfd && { status: txt(bfd, 'status'), session: txt(bfd, 'sessionState'), diag: txt(bfd, 'diagnostic'),
        detect: txt(bfd, 'detectionTime'), tx: txt(bfd, 'transmitInterval') },
      lastBgp: events.filter(e => e.type === 'BGPStatus').pop() || null,
      last: events[events.length - 1] || null,
    };
  });
}

async function associations(servers) {
  const vpcs = {};
  await Promise.all(servers.map(async s => {
    const r = await call('GetRouteServerAssociations', { RouteServerId: s.id });
    vpcs[s.id] = items(r, 'routeServerAssociationSet').map(a => txt(a, 'vpcId'));
  }));
  return vpcs;
}

/** New timeline entries since the last poll (AfterSequence), kept oldest first. */
async function refreshEvents() {
  if (state.eventsMissing) return;
  let r;
  try {
    r = await call('DescribeRouteServerEvents', state.lastSeq ? { AfterSequence: String(state.lastSeq) } : {});
  } catch (e) {
    if (e.code === 'InvalidAction') { state.eventsMissing = e.message; return; }
    throw e;
  }
  const fresh = items(r, 'eventSet').map(e => ({
    seq: +txt(e, 'sequence'), time: txt(e, 'time'), rs: txt(e, 'routeServerId'), type: txt(e, 'type'),
    status: txt(e, 'status'), endpoint: txt(e, 'routeServerEndpointId'), peer: txt(e, 'routeServerPeerId'),
    address: txt(e, 'peerAddress') || txt(e, 'endpointAddress'), reason: txt(e, 'reason'),
    prefixes: txt(e, 'prefixCount'), moved: txt(e, 'movedCount'),
    tables: items(e, 'routeTableIdSet').map(t => t.textContent), ms: txt(e, 'durationMillis'),
  }));
  const last = +txt(r, 'lastSequence');
  // A daemon restarted: its sequence starts again from 1, so the old timeline no longer lines up with it.
  if (last < state.lastSeq) { state.events = []; state.lastSeq = 0; return refreshEvents(); }
  state.lastSeq = last;
  if (fresh.length) state.events = state.events.concat(fresh).slice(-EVENTS_KEPT);
}

// ------------------------------------------------------------------------------------------------------ views

/** What an event says, in one line. */
function eventText(e) {
  if (e.type === 'Failover') {
    const moved = +e.moved, all = +e.prefixes;
    let s = `failover: ${plural(moved, 'prefix', 'prefixes')} moved in ${e.ms} ms`;
    if (all > moved) s += `, ${plural(all - moved, 'prefix', 'prefixes')} withdrawn (no other path)`;
    return s;
  }
  const what = { BGPStatus: 'BGP', BFDStatus: 'BFD', EndpointStatus: 'endpoint' }[e.type] || e.type;
  return `${what} ${(e.status || '').toLowerCase()}`;
}

function eventRows(list) {
  return list.slice().reverse().map(e => {
    const kind = e.type === 'Failover' ? 'failover' : /^up$/i.test(e.status) ? 'up' : /^down$/i.test(e.status) ? 'down' : 'other';
    return row([
      [clock(e.time), { class: 'time' }],
      code(e.rs),
      badge(eventText(e), kind),
      h('span', {}, code(e.peer || e.endpoint), e.address ? ' ' + e.address : ''),
      h('span', {}, e.reason || '', e.tables.length ? h('span', { class: 'tables' }, (e.reason ? ' · ' : '') + 'tables ', e.tables.map((t, i) => [i ? ', ' : '', code(t)])) : ''),
    ], { class: 'event ' + kind, 'data-type': e.type });
  });
}

const eventTable = (list, caption) => table(caption, ['Time', 'Route server', 'What', 'Peer / endpoint', 'Detail'], eventRows(list),
  state.eventsMissing ? 'This vroute has no event timeline (' + state.eventsMissing + ')' : 'No events yet.');

const views = {
  overview: {
    title: 'Route servers',
    async load() {
      const [servers, eps, ps] = await Promise.all([routeServers(), endpoints(), peers()]);
      return { servers, eps, ps, vpcs: await associations(servers) };
    },
    render({ servers, eps, ps, vpcs }) {
      return [
        table('Route servers', ['Route server', 'Name', 'ASN', 'State', 'VPC', 'Endpoints', 'BGP sessions up', 'Persist routes'],
          servers.map(s => {
            const mine = ps.filter(p => p.rs === s.id), up = mine.filter(p => p.bgp === 'up').length;
            return row([code(s.id), s.name, s.asn, s.state, (vpcs[s.id] || []).map(code), String(eps.filter(e => e.rs === s.id).length),
              badge(`${up} / ${mine.length}`, up === mine.length ? 'up' : 'down'), s.persist], { 'data-id': s.id });
          }), 'No route servers. Create one with CreateRouteServer (aws ec2 create-route-server).'),
        h('h2', {}, 'Latest events'),
        eventTable(state.events.slice(-8), 'Latest events, newest first'),
      ];
    },
  },

  endpoints: {
    title: 'Endpoints',
    async load() {
      const [eps, ps] = await Promise.all([endpoints(), peers()]);
      return { eps, ps };
    },
    render({ eps, ps }) {
      return table('Route server endpoints', ['Endpoint', 'Route server', 'Address', 'Subnet', 'Network interface', 'State', 'Peers (BGP up)', 'Failure reason'],
        eps.map(e => {
          const mine = ps.filter(p => p.endpoint === e.id);
          return row([code(e.id), code(e.rs), e.address, code(e.subnet), code(e.eni), badge(e.state, e.state === 'available' ? 'up' : e.state === 'failed' ? 'down' : 'other'),
            `${mine.length} (${mine.filter(p => p.bgp === 'up').length})`, e.reason ? h('span', { class: 'sub' }, e.reason) : '—'], { 'data-id': e.id });
        }), 'No endpoints. Create them with CreateRouteServerEndpoint.');
    },
  },

  peers: {
    title: 'Peers',
    async load() { return { ps: await peers() }; },
    render({ ps }) {
      return table('Route server peers', ['Peer', 'Address / ASN', 'Endpoint', 'Liveness', 'BGP', 'BFD', 'Up / down for', 'Routes', 'Last change'],
        ps.map(p => {
          const b = p.bfd;
          const sinceTime = p.bgpSince || (p.lastBgp && p.lastBgp.time);
          const since = sinceTime && h('span', { 'data-since': sinceTime }, age(sinceTime));
          return row([
            h('span', {}, code(p.id), p.name ? h('div', { class: 'sub' }, p.name) : ''),
            h('span', {}, p.address, h('div', { class: 'sub' }, 'AS ' + p.asn)),
            h('span', {}, p.endpointAddress, h('div', { class: 'sub' }, code(p.endpoint))),
            [p.liveness, { class: 'nw' }],
            updown(p.bgp),
            b ? h('span', {}, updown(b.status),
              b.session ? h('div', { class: 'sub' }, (b.session !== b.status ? b.session + ', ' : '') + `detect ${b.detect} ms`) : '',
              b.status !== 'up' && b.diag && b.diag !== 'none' ? h('div', { class: 'sub diag' }, b.diag.replaceAll('-', ' ')) : '') : '—',
            since ? h('span', {}, p.bgp === 'up' ? 'up ' : 'down ', since) : '—',
            [p.routes, { class: 'num' }],
            p.last ? h('span', { class: 'sub' }, `${p.last.type.replace('Status', '')} ${p.last.status.toLowerCase()} ${clock(p.last.time)}${p.last.reason ? ': ' + p.last.reason : ''}`) : '—',
          ], { 'data-id': p.id, class: p.bgp === 'up' ? '' : 'is-down' });
        }), 'No peers. Create them with CreateRouteServerPeer.');
    },
  },

  rib: {
    title: 'Routing database',
    setup(bar) {
      const filter = h('input', { type: 'search', id: 'filter', placeholder: 'prefix, next hop, peer, in-fib, rtb-…', 'aria-label': 'Filter routes', value: state.ribFilter || '' });
      filter.addEventListener('input', () => { state.ribFilter = filter.value; repaint(true); });
      bar.append(h('label', { for: 'rs' }, 'Route server '), h('select', { id: 'rs', onchange: (ev) => { location.hash = '#/rib/' + ev.target.value; } }),
        h('label', { for: 'filter' }, ' Filter '), filter);
    },
    async load(arg) {
      const servers = await routeServers();
      const rs = arg && servers.some(s => s.id === arg) ? arg : servers[0]?.id;
      if (!rs) return { servers, rs: null, routes: [] };
      const [routes, ps] = await Promise.all([callAll('GetRouteServerRoutingDatabase', 'routeSet', { RouteServerId: rs }, 5), peers()]);
      return {
        servers, rs, more: !!routes.more,
        peers: Object.fromEntries(ps.map(p => [p.id, p.address])),
        routes: routes.map(r => ({
          prefix: txt(r, 'prefix'), status: txt(r, 'routeStatus'), nextHop: txt(r, 'nextHopIp'), med: txt(r, 'med'),
          asPath: items(r, 'asPathSet').map(a => a.textContent).join(' '), peer: txt(r, 'routeServerPeerId'),
          endpoint: txt(r, 'routeServerEndpointId'),
          installs: items(r, 'routeInstallationDetailSet').map(i => ({ table: txt(i, 'routeTableId'),
            status: txt(i, 'routeInstallationStatus'), reason: txt(i, 'routeInstallationStatusReason') })),
        })),
      };
    },
    render(d) {
      const select = document.getElementById('rs');
      if (select && select.dataset.key !== d.servers.map(s => s.id).join() + d.rs) {
        select.replaceChildren(...d.servers.map(s => h('option', { value: s.id, selected: s.id === d.rs }, s.id + (s.name ? ' (' + s.name + ')' : ''))));
        select.dataset.key = d.servers.map(s => s.id).join() + d.rs;
      }
      if (!d.rs) return h('p', { class: 'empty' }, 'No route servers yet.');
      const words = (state.ribFilter || '').toLowerCase().split(/\s+/).filter(Boolean);
      const hay = (r) => [r.prefix, r.status, r.nextHop, r.asPath, r.peer, r.endpoint, ...r.installs.flatMap(i => [i.table, i.status])].join(' ').toLowerCase();
      const shown = d.routes.filter(r => words.every(w => hay(r).includes(w)));
      const fib = d.routes.filter(r => r.status === 'in-fib').length;
      return [
        h('p', { class: 'summary' }, `${plural(d.routes.length, 'route', 'routes')}${d.more ? '+' : ''}, ${fib} in-fib (best paths, installed in the route tables)`,
          words.length ? `, ${shown.length} match the filter` : '', shown.length > ROWS_SHOWN ? `; the first ${ROWS_SHOWN} are shown: narrow the filter` : ''),
        table('Routes of ' + d.rs,
          ['Prefix', 'Status', 'Next hop', 'AS path', 'MED', 'Peer', 'Route tables'],
          shown.slice(0, ROWS_SHOWN).map(r => row([
            h('strong', {}, r.prefix),
            badge(r.status, r.status === 'in-fib' ? 'fib' : 'other'),
            r.nextHop || '—', r.asPath || '(empty)', r.med || '—',
            h('span', {}, code(r.peer), d.peers[r.peer] && d.peers[r.peer] !== r.nextHop ? ' ' + d.peers[r.peer] : ''),
            r.installs.length ? h('ul', { class: 'installs' }, r.installs.map(i => h('li', {}, code(i.table), ' ',
              badge(i.status.toLowerCase(), /^installed$/i.test(i.status) ? 'up' : 'down'), i.reason ? ' ' + i.reason : ''))) : '—',
          ], { class: r.status === 'in-fib' ? 'fib' : '', 'data-prefix': r.prefix })),
          words.length ? 'No route matches the filter.' : 'No routes: no peer advertises any prefix yet.'),
      ];
    },
  },

  tables: {
    title: 'Route tables',
    async load() {
      const [servers, raw] = await Promise.all([routeServers(), callAll('DescribeRouteTables', 'routeTableSet')]);
      const propagating = {};
      await Promise.all(servers.map(async s => {
        const r = await call('GetRouteServerPropagations', { RouteServerId: s.id });
        for (const p of items(r, 'routeServerPropagationSet')) (propagating[txt(p, 'routeTableId')] ||= []).push({ rs: s.id, state: txt(p, 'state') });
      }));
      return {
        propagating,
        tables: raw.map(t => ({
          id: txt(t, 'routeTableId'), vpc: txt(t, 'vpcId'), name: nameTag(t),
          assoc: items(t, 'associationSet').map(a => txt(a, 'subnetId') || txt(a, 'gatewayId') || (txt(a, 'main') === 'true' ? 'main' : '')).filter(Boolean),
          routes: items(t, 'routeSet').map(r => ({
            dest: txt(r, 'destinationCidrBlock') || txt(r, 'destinationIpv6CidrBlock'), target: txt(r, 'gatewayId') || txt(r, 'networkInterfaceId'),
            nextHop: txt(r, 'ipAddress'), state: txt(r, 'state'), origin: txt(r, 'origin'),
          })),
        })),
      };
    },
    render({ tables, propagating }) {
      if (!tables.length) return h('p', { class: 'empty' }, 'No route tables.');
      return tables.map(t => {
        const prop = propagating[t.id] || [];
        return h('section', { 'aria-labelledby': 'h-' + t.id, 'data-id': t.id },
          h('h2', { id: 'h-' + t.id }, code(t.id), t.name ? ' ' + t.name : ''),
          h('p', { class: 'sub' }, 'VPC ', code(t.vpc), ' · associated with ', t.assoc.length ? t.assoc.map((a, i) => [i ? ', ' : '', code(a)]) : 'nothing',
            ' · propagation: ', prop.length ? prop.map((p, i) => [i ? ', ' : '', code(p.rs), ` (${p.state})`]) : 'none'),
          table('Routes of ' + t.id, ['Destination', 'Target', 'State', 'Origin', 'Propagated by'],
            t.routes.map(r => {
              const adv = r.origin === 'Advertisement';
              return row([h('strong', {}, r.dest), code(r.target), badge(r.state, r.state === 'active' ? 'up' : 'down'), r.origin,
                adv ? h('span', {}, badge('propagated', 'fib'), ' ', prop.map((p, i) => [i ? ', ' : '', code(p.rs)]), ' via next hop ', r.nextHop || '?') : '—',
              ], { class: adv ? 'propagated' : '', 'data-dest': r.dest });
            }), 'No routes.'));
      });
    },
  },

  events: {
    title: 'Events',
    async load() { return { n: state.events.length, seq: state.lastSeq }; },
    render() {
      const failovers = state.events.filter(e => e.type === 'Failover');
      return [
        h('p', { class: 'summary' }, `${plural(state.events.length, 'event', 'events')}, ${plural(failovers.length, 'failover', 'failovers')}`,
          failovers.length ? `; last failover took ${failovers[failovers.length - 1].ms} ms from detection to route tables updated` : ''),
        eventTable(state.events, 'Event timeline, newest first'),
      ];
    },
  },
};

// ------------------------------------------------------------------------------------------------------ routing, polling

/** Shows the view the hash names, and fetches its data at once. */
function route() {
  if (!state.running) return;
  const [, name = 'overview', arg = ''] = (location.hash.match(/^#\/([a-z]+)\/?(.*)$/) || []);
  const def = views[name] || views.overview;
  const viewName = views[name] ? name : 'overview';
  for (const a of document.querySelectorAll('nav a')) {
    if (a.dataset.view === viewName) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  document.title = def.title + ' · vroute console';
  state.gen++;
  const bar = h('div', { class: 'bar' });
  const body = h('div', { class: 'body', 'aria-busy': 'true' }, h('p', { class: 'empty' }, 'Loading…'));
  state.view = { name: viewName, arg, def, body, data: null, key: null };
  main.replaceChildren(h('h1', {}, def.title), h('div', { id: 'error', role: 'alert' }), bar, body);
  if (def.setup) def.setup(bar);
  poll();
}

/** Renders the current view's data again (when it changed, or `force`: the filter changed). */
function repaint(force) {
  const v = state.view;
  if (!v || !v.data) return;
  const key = JSON.stringify(v.data) + '|' + state.lastSeq;
  if (force || key !== v.key) {
    v.key = key;
    v.body.replaceChildren(...[v.def.render(v.data)].flat());
    v.body.removeAttribute('aria-busy');
  }
  for (const el of v.body.querySelectorAll('[data-since]')) el.textContent = age(el.dataset.since);
}

function showError(err) {
  state.error = err;
  const el = document.getElementById('error');
  if (!el) return;
  const text = err ? err.text : '';
  if (el.textContent !== text) el.replaceChildren(...(err ? [h('p', { class: 'error' }, h('strong', {}, err.action + ' failed: ' + err.code), ' ', err.message)] : []));
}

/** A poll failed: a refused key signs out; anything else is shown, and the next poll tries again. */
function failed(e) {
  if (!(e instanceof ApiError)) e = new ApiError('console', 'ScriptError', String(e && e.stack || e));
  if (state.creds && e.code === 'AuthFailure') {
    signOut(`The API refused the key (${e.code}: ${e.message})`);
  } else {
    showError(e);
    setConn(e.code === 'NoConnection' ? 'connection lost' : 'error', 'state-error');
  }
}

/** One refresh: new events and the current view's data; then the next one in a second, unless the tab is hidden. */
async function poll() {
  clearTimeout(state.timer);
  state.timer = null;
  if (!state.running) return;
  if (document.hidden) { setConn('paused: tab hidden', 'state-wait'); return; }
  if (state.busy) { state.again = true; return; }
  state.busy = true;
  const gen = state.gen, v = state.view;
  try {
    const [, data] = await Promise.all([refreshEvents(), v.def.load(v.arg)]);
    if (gen === state.gen) {
      v.data = data;
      state.updated = new Date();
      showError(null);
      repaint(false);
      setConn(state.authOff ? 'live (authentication off)' : 'live', 'state-live');
    }
  } catch (e) {
    if (gen === state.gen) failed(e); // else: signed out, or another view, whose own poll reports
  } finally {
    state.busy = false;
  }
  if (!state.running) return;
  if (state.again) { state.again = false; return poll(); }
  if (!document.hidden) state.timer = setTimeout(poll, POLL_MS);
  else setConn('paused: tab hidden', 'state-wait');
}

document.addEventListener('visibilitychange', () => {
  if (document.hidden) { clearTimeout(state.timer); state.timer = null; setConn('paused: tab hidden', 'state-wait'); }
  else poll();
});
window.addEventListener('hashchange', route);

// ------------------------------------------------------------------------------------------------------ signing in

function start() {
  state.running = true;
  document.getElementById('signout').hidden = !state.creds;
  route();
}

function signOut(message) {
  sessionStorage.removeItem(KEY);
  Object.assign(state, { creds: null, running: false, events: [], lastSeq: 0, view: null, updated: null, gen: state.gen + 1 });
  clearTimeout(state.timer);
  showLogin(message || 'Signed out. The key pair was removed from this tab.');
}

function showLogin(message) {
  document.getElementById('signout').hidden = true;
  setConn('signed out', 'state-wait');
  document.title = 'Sign in · vroute console';
  const id = h('input', { id: 'key-id', name: 'key-id', autocomplete: 'off', spellcheck: 'false', required: true });
  const secret = h('input', { id: 'secret', name: 'secret', type: 'password', autocomplete: 'off', required: true });
  const msg = h('div', { id: 'login-error', role: 'alert' }, message ? h('p', { class: message.startsWith('Signed out') ? 'note' : 'error' }, message) : '');
  const form = h('form', { class: 'login', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Sign in to vroute'),
    h('p', {}, 'Give the key pair of this vroute: it is in ', code('<data-dir>/credentials'), ', profile ', code('vroute'),
      ' (for a lab: ', code('/run/vroute-lab/data/credentials'), '). Print it with ', code('sudo cat <data-dir>/credentials'), '.'),
    h('label', { for: 'key-id' }, 'Access key ID'), id,
    h('label', { for: 'secret' }, 'Secret access key'), secret,
    h('button', { type: 'submit' }, 'Sign in'),
    msg,
    h('p', { class: 'sub' }, 'The key stays in this tab (session storage) until you sign out or close the tab. It is never'
      + ' sent: the console signs each API request with it (AWS Signature Version 4), as the AWS CLI does.'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const creds = { id: id.value.trim(), secret: secret.value.trim() };
    msg.replaceChildren(h('p', { class: 'note' }, 'Checking the key…'));
    try {
      await call('DescribeRouteServers', { MaxResults: '5' }, creds);
    } catch (e) {
      msg.replaceChildren(h('p', { class: 'error' }, h('strong', {}, e.code), ' ', e.message));
      return;
    }
    sessionStorage.setItem(KEY, JSON.stringify(creds));
    state.creds = creds;
    start();
  });
  main.replaceChildren(form);
  id.focus();
}

document.getElementById('signout').addEventListener('click', () => signOut());

/** Signed in before (this tab), or authentication off (an unsigned call works), or the login form. */
async function boot() {
  try {
    state.creds = JSON.parse(sessionStorage.getItem(KEY) || 'null');
  } catch { state.creds = null; }
  if (state.creds) return start();
  try {
    await call('DescribeRouteServers', { MaxResults: '5' }, null);
    state.authOff = true;
    start();
  } catch (e) {
    if (['MissingAuthenticationToken', 'AuthFailure'].includes(e.code)) showLogin();
    else {
      main.replaceChildren(h('h1', {}, 'vroute console'), h('p', { class: 'error' }, h('strong', {}, e.code), ' ', e.message));
      setConn('connection lost', 'state-error');
      setTimeout(boot, 2000);
    }
  }
}

boot();
