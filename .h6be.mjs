import { audit } from './dist/index.js';
import { readFileSync } from 'node:fs';
import pg from 'pg';
const base = { label: 'two_year_recid', score: 'decile_score', threshold: 5, sensitive: ['race','sex'], intersections: true, ci: 0.95, bootstrap: 200, seed: 7 };
const t0=Date.now();
const a = await audit({ ...base, data: 'examples/data/compas.csv' });
const t1=Date.now();
const b = await audit({ ...base, data: 'examples/data/compas.csv', engine: 'duckdb' });
const t2=Date.now();
const url='postgres://postgres@127.0.0.1:54329/aequa';
const lines = readFileSync('examples/data/compas.csv','utf8').trim().split('\n');
const header = lines[0].split(',');
const c = new pg.Client({connectionString:url}); await c.connect();
await c.query('DROP TABLE IF EXISTS h6_compas');
await c.query(`CREATE TABLE h6_compas (${header.map(h=>`"${h}" ${['sex','age_cat','race','c_charge_degree','score_text'].includes(h)?'text':'double precision'}`).join(',')})`);
const rows = lines.slice(1).map(l=>l.split(','));
for (let i=0;i<rows.length;i+=500){const params=[];const tup=[];for(const r of rows.slice(i,i+500)){tup.push('('+r.map(v=>'$'+params.push(v===''?null:v)).join(',')+')')}await c.query(`INSERT INTO h6_compas VALUES ${tup.join(',')}`,params)}
await c.end();
const t3=Date.now();
const p = await audit({ ...base, data: { url, table: 'h6_compas' } });
const t4=Date.now();
console.log(t1-t0,t2-t1,t4-t3);
const strip = r => JSON.stringify({o:r.overall, f:r.byFeature});
console.log(strip(a)===strip(b), strip(a)===strip(p));
function diff(x,y,path=''){ if (typeof x==='number'&&typeof y==='number'){ if (x!==y && Math.abs(x-y)>1e-12*Math.max(Math.abs(x),Math.abs(y))) console.log(path,x,y); return;} if (x&&typeof x==='object'){ const ks=new Set([...Object.keys(x),...Object.keys(y??{})]); for(const k of ks) diff(x[k],y?.[k],path+'.'+k); return;} if (x!==y) console.log(path,x,y);}
diff({o:a.overall,f:a.byFeature},{o:b.overall,f:b.byFeature});
console.log('--pg');
diff({o:a.overall,f:a.byFeature},{o:p.overall,f:p.byFeature});
console.log(a.input.engine,b.input.engine,p.input.engine, p.input.source);
