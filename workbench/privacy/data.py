"""Word lists for the privacy detector: first names, roles, German vehicle district codes.

Kept apart from the detector so the rules in `workbench.privacy` stay readable. The lists only
have to be good enough to give context (a first name before a capitalised word, a district code
before a plate); identifiers with check digits are validated, not looked up.
"""

from __future__ import annotations

# Common given names in Germany (German, and frequent names of families with Turkish, Arabic,
# Polish, Russian, Italian, Greek and other roots). Lower-cased for lookup.
FIRST_NAMES = frozenset(
    """
    aaron adam adrian ahmad ahmed ahmet aleksandra alexander alexandra alfred ali alice alina alma
    amelie amir andrea andreas andrzej angelika anja anke anna annalena anne annette anton antonia
    armin arne arnold astrid aylin ayse ayşe barbara bastian beate ben benedikt benjamin bernd
    bernhard bettina birgit bjarne björn bodo brigitte britta burak can carina carla carl carmen
    carolin caroline charlotte christa christian christiane christina christine christoph
    christopher clara claudia cornelia dagmar damian daniel daniela david denise dennis detlef
    diana dieter dietmar dirk dominik doris dorothea dragan edith elena elias elif elisabeth elke
    ella emil emilia emily emine emma emre erik erika ernst esra eva ewa fabian fatih fatima
    fatma felix finn florian frank franz franziska frederik freya friederike friedrich fritz gabriele
    georg gerd gerda gerhard gertrud gisela giuseppe greta gudrun günter günther hakan hamza hanna
    hannah hannelore hans harald hasan hassan heike heinrich heinz helene helga helmut hendrik
    henning henrik henry herbert hermann hildegard holger horst hüseyin ibrahim ida igor ilse
    ina ines ingeborg ingo ingrid irina iris irmgard isabel isabella ivan jakob jan jana janina
    janine jannik jasmin jens jessica joachim jochen johann johanna johannes jonas jonathan jörg
    josef julia julian juliane julius jürgen justus kai karin karl karla karsten katarzyna katharina
    kathrin katja katrin kemal kerstin kevin kim klaus konrad konstantin kristina kurt lara larissa
    laura lea lena leni leo leon leonie liam lilly lina linda lisa lothar louis luca lucas lucia
    luis luisa lukas luka lutz magdalena maik maja malte manfred manuel manuela marc marcel marco
    marcus margarete maria marie marina mario marion marius mark marko markus marlene marta martha
    martin martina mathias matthias max maximilian mehmet melanie melissa merve mia michael michaela
    michelle milan mirco miriam mohamed mohammad mohammed monika moritz murat mustafa nadine nadja
    natalia natalie nico nicole niklas nils nina noah nora norbert olaf olga oliver omar oskar otto
    pascal patricia patrick paul paula paulina peter petra philipp pia piotr rainer ralf ralph
    rebecca regina reinhard renate rene rené richard rita robert roland rolf roman ronja rosemarie
    rudolf ruth sabine sabrina sandra sara sarah sascha sebastian selin serkan sergej silke simon
    simone sofia sonja sophia sophie stefan stefanie steffen stephan stephanie susanne svenja sven
    swen sybille sylvia tanja theo theresa thomas thorsten tim timo tobias tom tomasz torsten ulf
    ulla ulrich ulrike ursula ute uwe valentin valentina vanessa vera verena viktor viktoria vincent
    volker walter waltraud werner wilhelm willi wolfgang yasemin yusuf yvonne zeynep
    """.split()
)

# Words that may follow "Herr"/"Frau" but are roles, not names.
ROLE_WORDS = frozenset(
    """
    abgeordnete abgeordneter amtsleiter amtsleiterin beigeordnete beigeordneter bezirksbürgermeister
    bezirksbürgermeisterin bürgermeister bürgermeisterin dezernent dezernentin direktor direktorin
    doktor kollege kollegin kämmerer kämmerin landrat landrätin minister ministerin oberbürgermeister
    oberbürgermeisterin ortsvorsteher ortsvorsteherin pfarrer pfarrerin präsident präsidentin
    professor professorin rechtsanwalt rechtsanwältin richter richterin stadtrat stadträtin
    stadtdirektor stadtdirektorin staatssekretär staatssekretärin vorsitzende vorsitzender
    sachbearbeiter sachbearbeiterin leiter leiterin ratsherr ratsfrau kreisrat kreisrätin
    verwaltungsleiter verwaltungsleiterin geschäftsführer geschäftsführerin datenschutzbeauftragte
    datenschutzbeauftragter gleichstellungsbeauftragte schulleiter schulleiterin
    """.split()
)

# Capitalised words that start or make up items in participant lists without being names.
NOT_NAME_WORDS = frozenset(
    """
    abteilung alle amt amtsleitung arbeitsgruppe ausschuss bauamt beirat bereich bürgerbüro
    dezernat die der das ein eine fachbereich fachdienst fraktion gast gäste gremium jugendamt
    kämmerei keine leitung mitglieder mitarbeitende mitarbeiter mitarbeiterin ordnungsamt
    personalrat polizei presse protokoll rat referat sachgebiet schule sozialamt stadt stadtwerke
    standesamt team verwaltung vertreter vertreterin vertretung vorsitz vorstand zuhörer zuhörende
    öffentlichkeit bürger bürgerinnen einwohner einwohnerinnen sitzung tagesordnung top gemeinde
    kreis landkreis verein firma herr frau herren damen und sowie ggf entschuldigt anwesend
    kind kinder sohn tochter mutter vater eltern ehemann ehefrau schwester bruder enkel enkelin witwe witwer
    ehepartner ehepartnerin sekretariat büro vorzimmer poststelle ihr ihre ihres ihren ihrem im auftrag vermerk
    """.split()
)

NAME_PARTICLES = frozenset(
    {
        "von",
        "van",
        "de",
        "der",
        "den",
        "zu",
        "vom",
        "ter",
        "ten",
        "da",
        "di",
        "del",
        "la",
        "le",
        "al",
        "el",
        "bin",
    }
)

# Official German vehicle district codes (Unterscheidungszeichen), current and common re-issued ones.
DISTRICT_CODES = frozenset(
    """
    A AA AB ABG ABI AC AE AH AIC AK AM AN ANA ANG ANK AP APD ARN ART AS ASL ASZ AT AU AUR AW AZ AZE
    B BA BAD BAR BB BBG BC BCH BD BE BED BER BF BGD BGL BH BI BID BIN BIR BIT BIW BK BKS BL BLB BLK
    BM BN BNA BO BOR BOT BP BRA BRB BRG BS BT BTF BÜS BZ C CA CB CE CHA CLP CO COC COE CUX CW D DA
    DAH DAN DAU DB DBR DD DE DEG DEL DGF DH DI DIL DIN DKB DL DLG DM DN DO DON DU DÜW DW DZ E EA EB
    EBE ED EE EF EI EIC EL EM EMD EMS EN ER ERB ERH ES ESW EU EW F FB FD FDS FF FFB FG FI FL FLÖ FN
    FO FR FRG FRI FS FT FTL FÜ FW G GA GAP GC GD GDB GE GER GF GG GI GL GM GMN GN GNT GÖ GP GR GRZ GS
    GT GTH GÜ GZ H HA HAL HAM HAS HB HBN HBS HC HD HDH HE HEF HEI HER HF HG HGW HH HHM HI HIG HK HL
    HM HN HO HOL HOM HP HR HRO HS HSK HST HU HV HVL HWI HX HY HZ IGB IK IL IN IZ J JE JL K KA KB KC KE
    KEH KF KG KH KI KIB KL KLE KM KN KO KR KS KT KU KÜN KUS KYF L LA LAU LB LD LDK LDS LER LEV LG LI
    LIB LIF LIP LL LM LÖ LOS LRO LSA LSN LU LWL M MA MB MD ME MEI MG MH MI MIL MK MKK ML MM MN MOL MOS
    MR MS MSE MSH MSP MST MTK MÜ MÜR MVL MW MYK MZ MZG N NB ND NDH NE NEA NES NEW NF NI NK NL NM NMS
    NOH NOL NOM NR NRW NU NVP NW NWM OA OAL OB OD OE OF OG OH OHA OHV OHZ OK OL OPR OS OSL OVL OVP P
    PA PAF PAN PB PCH PE PF PI PIR PLÖ PM PR PS PW R RA RD RE REG RG RH RI RL RM RN RO ROW RP RS RT
    RÜD RV RW RZ S SAD SAL SAW SB SC SDL SE SG SH SHA SHG SHK SHL SI SIG SIM SK SL SLF SLK SLS SM SN
    SO SÖM SP SPN SR ST STA STD STL SU SÜW SW SZ TBB TF TG TIR TÖL TR TS TÜ TUT UE UER UH UL UM UN V
    VB VEC VER VIE VK VS W WAF WAK WB WE WEN WES WF WHV WI WIL WL WM WN WND WO WOB WR WSF WST WT WTM
    WÜ WUG WUN WW WZ Z ZW
    """.split()
)

# Endings of words that name an organisation, an institution or a trade, not a person: "Stadtmarketing",
# "Sparkasse", "Volkshochschule", "Stadtbibliothek", "Elektroanlagen". A capitalised reading that starts
# with such a word, or pairs one word with it ("Friedrich Elektroanlagen"), is no name. Endings that are
# also common surname endings (-haus, -hof, -rat, -mann, -dorf, -berg) are left out on purpose.
ORGANISATION_ENDINGS = tuple(
    """
    amt ämter behörde büro referat dezernat fachbereich fachdienst verwaltung regierung ministerium
    gericht polizei feuerwehr rathaus jobcenter kommune gemeinde gemeinden werk werke marketing management
    bibliothek bücherei archiv museum theater schule schulen universität akademie kindergarten
    kindertagesstätte klinik klinikum krankenhaus praxis apotheke kasse bank versicherung versicherungen
    genossenschaft gesellschaft verband verbände verein vereinigung stiftung initiative agentur zentrum
    zentrale betrieb betriebe unternehmen konzern holding gruppe group service services beratung
    consulting kanzlei technik anlagen handel vertrieb logistik transporte spedition immobilien
    gastronomie catering sanitär elektro heizung reinigung wohnungsbau hochbau tiefbau straßenbau
    gartenbau metallbau heizungsbau maschinenbau anlagenbau stahlbau holzbau landschaftsbau messebau
    fensterbau trockenbau ausbau erei
    """.split()
)

# Capitalised words that name a business or institution when they come first ("Optik Preuß",
# "Friseur Lang", "Hotel Krone"); lower-cased.
ORGANISATION_WORDS = frozenset(
    """
    kita optik friseur salon studio hotel restaurant café cafe pizzeria bistro gaststätte imbiss autohaus
    hausverwaltung
    """.split()
)
