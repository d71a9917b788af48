"""How often each pair of letters stands together in Danish words: a model of what Danish text
looks like letter by letter, for telling a text layer that decodes to Danish from one whose font
map is shifted ("Er opgaven igangsat" read "Es pphaweo ihaohtat") or is garbage.

The counts are of the 108,665 distinct words (case folded, letters only) of tesseract's
Danish word list (tessdata ``dan.traineddata``, unpacked with ``combine_tessdata -u`` and
``dawg2wordlist``), ``^`` marking a word's start and ``$`` its end; frozen here (data, no
tesseract needed). ``mean_log_p`` scores a text by the mean log-probability of its pairs:
Danish scores about -5.5, a shifted map -6.3 to -7.7. Used by ``pipeline.extract.trust``.
"""

from __future__ import annotations

import math
import re

__all__ = ["letter_pairs", "mean_log_p"]

_COUNTS = """
^a:6047 ^b:7968 ^c:3346 ^d:4234 ^e:3302 ^f:7599 ^g:4056 ^h:5446 ^i:2967 ^j:1366 ^k:6538 ^l:4743
^m:6478 ^n:3062 ^o:3212 ^p:5435 ^q:160 ^r:4595 ^s:12825 ^t:5790 ^u:2934 ^v:3688 ^w:1155 ^x:116
^y:309 ^z:317 ^å:267 ^æ:249 ^é:12 ^ø:449 a$:3476 aa:642 ab:1747 ac:1219 ad:2866 ae:401 af:1687
ag:3469 ah:343 ai:830 aj:169 ak:1645 al:6657 am:3016 an:10967 ao:105 ap:1106 aq:54 ar:7395
as:3376 at:5287 au:1159 av:1788 aw:163 ax:162 ay:406 az:224 aæ:4 aø:1 b$:751 ba:2631 bb:361
bc:35 bd:54 be:5010 bf:14 bg:19 bh:46 bi:1588 bj:313 bk:30 bl:1400 bm:52 bn:135 bo:2291 bp:22
br:2176 bs:439 bt:103 bu:1236 bv:14 bw:12 bx:6 by:1003 bz:8 bå:147 bæ:217 bé:11 bø:462 c$:522
ca:1351 cb:24 cc:249 cd:45 ce:2024 cf:18 cg:15 ch:2234 ci:982 cj:8 ck:843 cl:323 cm:45 cn:30
co:1470 cp:20 cq:11 cr:391 cs:100 ct:399 cu:288 cv:11 cw:12 cx:3 cy:212 cz:15 cæ:7 cé:10 cø:10
d$:5068 da:2395 db:770 dc:50 dd:807 de:15343 df:450 dg:480 dh:384 di:3143 dj:137 dk:444 dl:945
dm:321 dn:565 do:1430 dp:179 dq:4 dr:1830 ds:3927 dt:1385 du:779 dv:672 dw:58 dx:5 dy:483 dz:17
då:56 dæ:143 dé:35 dø:378 e$:22671 ea:1480 eb:1480 ec:881 ed:7453 ee:819 ef:1480 eg:2032 eh:833
ei:877 ej:2009 ek:2392 el:8585 em:2990 en:19234 eo:590 ep:1074 eq:52 er:29325 es:8379 et:9330
eu:531 ev:1746 ew:204 ex:427 ey:392 ez:118 eå:39 eæ:17 eø:22 f$:573 fa:1812 fb:91 fc:26 fd:87
fe:1444 ff:724 fg:115 fh:70 fi:1722 fj:215 fk:63 fl:1180 fm:71 fn:29 fo:3988 fp:32 fq:2 fr:1712
fs:353 ft:1296 fu:669 fv:64 fw:8 fx:4 fy:253 fz:2 få:21 fæ:462 fé:13 fø:615 g$:5936 ga:2211
gb:187 gc:29 gd:330 ge:9266 gf:123 gg:885 gh:813 gi:1511 gj:102 gk:117 gl:940 gm:182 gn:1287
go:809 gp:95 gq:5 gr:2140 gs:1918 gt:2030 gu:864 gv:118 gw:28 gx:5 gy:207 gz:10 gå:415 gæ:148
gé:8 gø:210 h$:922 ha:2836 hb:41 hc:25 hd:32 he:3446 hf:28 hg:10 hh:34 hi:1205 hj:472 hk:28
hl:191 hm:114 hn:140 ho:2381 hp:18 hq:7 hr:286 hs:138 ht:231 hu:1134 hv:347 hw:68 hx:5 hy:302
hz:6 hå:314 hæ:323 hé:12 hø:559 i$:1962 ia:1645 ib:808 ic:1664 id:2718 ie:3128 if:877 ig:4844
ih:139 ii:105 ij:97 ik:2412 il:4690 im:1386 in:12940 io:2893 ip:605 iq:59 ir:1617 is:6416
it:3104 iu:354 iv:1869 iw:20 ix:163 iy:16 iz:177 iå:5 iæ:18 ié:5 iø:73 j$:501 ja:554 jb:43 jc:6
jd:425 je:2303 jf:30 jg:13 jh:22 ji:112 jj:3 jk:52 jl:306 jm:20 jn:88 jo:707 jp:14 jr:195 js:399
jt:126 ju:484 jv:26 jw:3 jy:77 jå:5 jæ:281 jø:243 k$:2821 ka:3603 kb:83 kc:19 kd:42 ke:6212
kf:77 kg:50 kh:166 ki:1759 kj:162 kk:1442 kl:1474 km:85 kn:646 ko:3624 kp:82 kr:2073 ks:1463
kt:1762 ku:1350 kv:465 kw:27 kx:2 ky:459 kz:7 kå:118 kæ:440 ké:8 kø:549 l$:3141 la:5585 lb:660
lc:117 ld:2856 le:9480 lf:451 lg:706 lh:205 li:7179 lj:223 lk:751 ll:4022 lm:813 ln:117 lo:2732
lp:327 lr:174 ls:3247 lt:1602 lu:1525 lv:666 lw:24 lx:7 ly:1273 lz:31 lå:258 læ:1178 lé:24
lø:944 m$:1890 ma:4616 mb:649 mc:123 md:106 me:5589 mf:291 mg:107 mh:170 mi:2624 mj:13 mk:142
ml:327 mm:2045 mn:229 mo:2065 mp:1284 mq:4 mr:338 ms:966 mt:336 mu:1089 mv:90 mw:18 mx:11 my:226
mz:3 må:366 mæ:505 mé:34 mø:395 n$:12774 na:2852 nb:439 nc:898 nd:10013 ne:10658 nf:478 ng:8419
nh:404 ni:4878 nj:164 nk:1359 nl:496 nm:190 nn:1560 no:1807 np:99 nq:26 nr:205 ns:5398 nt:4284
nu:624 nv:343 nw:39 nx:17 ny:634 nz:172 nå:65 næ:409 né:45 nø:294 o$:1908 oa:318 ob:855 oc:652
od:1828 oe:503 of:786 og:1757 oh:230 oi:272 oj:141 ok:1080 ol:4622 om:3144 on:6796 oo:587
op:2316 oq:20 or:9057 os:1816 ot:1557 ou:941 ov:2008 ow:459 ox:155 oy:168 oz:62 oå:3 oé:2 oø:6
p$:1080 pa:2109 pb:89 pc:45 pd:123 pe:3101 pf:142 pg:123 ph:427 pi:1579 pj:29 pk:81 pl:1569
pm:73 pn:75 po:1903 pp:1034 pq:2 pr:2519 ps:660 pt:495 pu:633 pv:82 pw:5 px:2 py:115 pz:6 på:208
pæ:157 pé:10 pø:83 q$:63 qa:20 qb:2 qd:1 qe:5 qf:1 qh:1 qi:12 qj:1 ql:4 qm:2 qo:5 qp:1 qq:3 qr:1
qs:3 qt:4 qu:322 qv:10 qw:2 qx:2 r$:14070 ra:5887 rb:1300 rc:442 rd:2863 re:14642 rf:671 rg:1936
rh:679 ri:8161 rj:53 rk:2248 rl:1100 rm:1630 rn:3914 ro:4306 rp:467 rq:21 rr:1249 rs:3763
rt:3214 ru:2919 rv:1119 rw:65 rx:13 ry:1080 rz:57 rå:697 ræ:1444 ré:42 rø:996 s$:12185 sa:2778
sb:773 sc:1043 sd:365 se:8517 sf:599 sg:388 sh:1176 si:3287 sj:164 sk:7142 sl:1632 sm:1268
sn:729 so:2010 sp:2611 sq:28 sr:406 ss:2677 st:11932 su:1280 sv:975 sw:105 sx:4 sy:1049 sz:37
så:131 sæ:524 sé:12 sø:728 t$:11762 ta:4900 tb:285 tc:200 td:95 te:13229 tf:366 tg:160 th:1311
ti:7356 tj:319 tk:170 tl:572 tm:256 tn:621 to:3665 tp:181 tr:4450 ts:2208 tt:2693 tu:1702 tv:370
tw:108 tx:14 ty:987 tz:229 tå:265 tæ:484 té:42 tø:680 u$:537 ua:385 ub:677 uc:411 ud:2392 ue:879
uf:391 ug:1005 uh:110 ui:452 uj:36 uk:664 ul:2085 um:1532 un:3247 uo:93 up:1091 uq:4 ur:2724
us:2843 ut:1270 uu:64 uv:122 uw:21 ux:78 uy:36 uz:60 uæ:3 ué:6 uø:5 v$:914 va:2525 vb:95 vc:17
vd:68 ve:6274 vf:77 vg:51 vh:54 vi:3237 vj:20 vk:51 vl:253 vm:69 vn:676 vo:758 vp:37 vr:165
vs:405 vt:133 vu:153 vv:45 vw:8 vx:5 vy:34 vz:1 vå:130 væ:1165 vé:13 vø:78 w$:233 wa:547 wb:25
wc:14 wd:12 we:588 wf:14 wg:5 wh:88 wi:499 wj:3 wk:17 wl:46 wm:12 wn:101 wo:228 wp:7 wq:1 wr:51
ws:92 wt:19 wu:21 wv:2 ww:10 wx:1 wy:22 wz:4 wå:1 wø:1 x$:405 xa:67 xb:9 xc:37 xd:10 xe:117
xf:14 xg:6 xh:24 xi:173 xj:1 xk:4 xl:24 xm:23 xn:6 xo:49 xp:73 xr:3 xs:21 xt:93 xu:21 xv:12 xw:2
xx:33 xy:21 xz:1 xé:1 xø:1 y$:1723 ya:284 yb:203 yc:76 yd:866 ye:371 yf:67 yg:816 yh:134 yi:62
yj:5 yk:586 yl:518 ym:286 yn:703 yo:141 yp:283 yq:1 yr:880 ys:1114 yt:475 yu:67 yv:131 yw:22
yx:7 yy:2 yz:19 yå:4 yæ:1 yé:1 yø:7 z$:312 za:256 zb:18 zc:10 zd:5 ze:339 zf:7 zg:9 zh:48 zi:194
zj:10 zk:18 zl:18 zm:17 zn:9 zo:173 zp:3 zq:1 zr:9 zs:10 zt:18 zu:53 zv:3 zw:13 zx:2 zy:33 zz:95
zé:1 zø:1 å$:152 åa:6 åb:262 åd:677 åe:211 åf:23 åg:107 åh:25 åj:2 åk:45 ål:387 åm:21 ån:430
åo:2 åp:10 år:868 ås:177 åt:66 åu:1 åv:38 åw:1 åz:2 åå:4 åæ:1 åø:2 æ$:49 æa:10 æb:148 æc:24
æd:485 æe:55 æf:132 æg:849 æh:8 æi:26 æk:556 æl:708 æm:166 æn:1127 æo:14 æp:31 ær:2168 æs:784
æt:520 æu:16 æv:303 æø:1 é$:89 éa:7 éb:5 éc:7 éd:9 ée:47 éf:2 ég:7 éh:2 éi:2 éj:1 ék:3 él:14
ém:10 én:23 éo:5 ép:4 ér:58 és:18 ét:21 éu:3 év:5 éx:1 éz:4 ø$:175 øa:5 øb:489 øc:7 ød:816
øe:159 øf:97 øg:490 øh:29 øi:15 øj:800 øk:147 øl:487 øm:334 øn:557 øo:6 øp:18 ør:1988 øs:620
øt:105 øu:7 øv:379 øw:4 øx:1 øy:56 øz:1 øå:1
"""
_PAIRS = dict((item[:2], int(item[3:])) for item in _COUNTS.split())
_TOTAL = sum(_PAIRS.values())
_LOG_P = {pair: math.log(n / _TOTAL) for pair, n in _PAIRS.items()}
_UNSEEN = math.log(0.5 / _TOTAL)  # a pair no Danish word has
_TOKEN = re.compile(r"[^\W\d_]+")


def letter_pairs(text: str) -> list[str]:
    """The letter pairs of the words of ``text``, case folded, start and end of a word marked."""
    return [
        a + b
        for token in _TOKEN.findall(text.casefold())
        for a, b in zip(f"^{token}", f"{token}$", strict=True)
    ]


def mean_log_p(pairs: list[str]) -> float:
    """The mean log-probability of ``pairs`` in Danish words (0.0 for none)."""
    if not pairs:
        return 0.0
    return sum(_LOG_P.get(p, _UNSEEN) for p in pairs) / len(pairs)
