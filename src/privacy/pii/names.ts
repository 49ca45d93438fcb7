/**
 * @module privacy/pii/names
 * A small bundled name list for the PERSON detector: common given names and surnames, typed from
 * general knowledge of public-domain census frequency tables (US Census Bureau 1990/2010 name files,
 * https://www.census.gov/topics/population/genealogy/data.html) plus frequent names of other regions.
 * Names that are also everyday English words are listed in AMBIGUOUS and need a second signal.
 */

/** Common given names (lower case). */
export const FIRST_NAMES: ReadonlySet<string> = new Set(
  `james john robert michael william david richard joseph thomas charles christopher daniel matthew anthony
  donald paul steven andrew kenneth joshua kevin brian george edward ronald timothy jason jeffrey ryan jacob
  gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel gregory frank alexander
  raymond patrick jack dennis jerry tyler aaron jose adam henry nathan douglas zachary peter kyle walter
  ethan jeremy harold keith christian roger noah gerald carl terry sean austin arthur lawrence jesse dylan
  bryan joe jordan billy bruce albert willie gabriel logan alan juan wayne roy ralph randy eugene vincent
  russell elijah louis bobby philip johnny liam oliver lucas mason aiden carlos luis miguel diego omar
  ahmed mohammed muhammad ali hassan ibrahim yusuf arjun rahul amit raj vikram wei jun hiroshi kenji takashi
  min jae dmitri ivan sergei pavel andrei mateo santiago lars sven pieter jan hans klaus jurgen stefan
  mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty margaret sandra
  ashley kimberly emily donna michelle carol amanda dorothy melissa deborah stephanie rebecca sharon laura
  cynthia kathleen amy angela shirley anna brenda pamela emma nicole helen samantha katherine christine
  debra rachel carolyn janet catherine maria heather diane ruth julie olivia joyce virginia victoria kelly
  lauren christina joan evelyn judith megan andrea cheryl hannah jacqueline martha gloria teresa ann sara
  madison frances kathryn janice jean abigail alice judy sophia julia denise amber doris marilyn danielle
  beverly isabella theresa diana natalie brittany charlotte marie kayla alexis lori ava mia harper chloe
  zoe priya ananya fatima aisha leila yasmin mei ling yuki sakura hana elena sofia lucia carmen rosa ana
  ingrid astrid freya anja katarina olga natasha svetlana irina agnieszka magdalena chiara giulia francesca`
    .split(/\s+/)
    .filter((s) => s.length > 0),
);

/** Common surnames (lower case). */
export const SURNAMES: ReadonlySet<string> = new Set(
  `smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez wilson
  anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark ramirez lewis
  robinson walker young allen king wright scott torres nguyen hill flores green adams nelson baker hall
  rivera campbell mitchell carter roberts gomez phillips evans turner diaz parker cruz edwards collins reyes
  stewart morris morales murphy cook rogers gutierrez ortiz morgan cooper peterson bailey reed kelly howard
  ramos kim cox ward richardson watson brooks chavez wood james bennett gray mendoza ruiz hughes price
  alvarez castillo sanders patel myers long ross foster jimenez powell jenkins perry russell sullivan bell
  coleman butler henderson barnes gonzales fisher vasquez simmons romero jordan patterson alexander hamilton
  graham reynolds griffin wallace moreno west cole hayes bryant herrera gibson ellis tran medina aguilar
  stevens murray ford castro marshall owens harrison fernandez mcdonald woods washington kennedy wells vargas
  henry chen freeman webb tucker guzman burns crawford olson simpson porter hunter gordon mendez silva shaw
  snyder mason dixon munoz hunt hicks holmes palmer wagner black robertson boyd rose stone salazar fox warren
  mills meyer rice schmidt garza daniels ferguson nichols stephens soto weaver ryan gardner payne grant
  dunn kelley spencer hawkins arnold pierce hansen peters santos hart bradley knight elliott cunningham
  duncan armstrong hudson carroll lane riley andrews ray berry perkins hoffman johnston matthews pena
  wang li zhang liu yang huang zhao wu zhou xu sun ma zhu hu guo lin he gao luo zheng singh kumar sharma
  gupta khan ahmed hussain shah mehta reddy rao tanaka suzuki sato takahashi watanabe yamamoto nakamura
  park choi jung kang cho yoon muller mueller schneider schulz becker hoffmann koch richter klein wolf
  schroeder neumann schwarz zimmermann braun kruger hartmann lange werner krause lehmann jansen janssen
  bakker visser smit meijer mulder bos vos dekker rossi russo ferrari esposito bianchi romano colombo ricci
  marino dubois durand leroy moreau lefebvre laurent bernard petit fontaine kowalski nowak wisniewski
  wojcik kowalczyk ivanov petrov sidorov popov novak horvat nielsen jensen hansen pedersen andersen larsen
  johansson karlsson nilsson eriksson larsson olsen berg haugen murphy kelly byrne walsh obrien doyle`
    .split(/\s+/)
    .filter((s) => s.length > 0),
);

/** Names that are also common words or places: reported only with a second signal (a surname, a title, context). */
export const AMBIGUOUS: ReadonlySet<string> = new Set(
  `may june april august will bill mark grace hope joy rose faith art sue pat jack frank jean dawn summer
  autumn iris lily ruby amber holly ivy daisy chase hunter mason taylor parker cooper brown white green black
  young king wood hill long price stone bishop little page rich guy ray rob roman carol christian eve
  jordan kelly lane ford rice bell ward cook baker carter turner park lee gray grant hunt ross west cole
  long fox berry reed brooks wells hart knight dean miles`
    .split(/\s+/)
    .filter((s) => s.length > 0),
);

/** Titles before a name. */
export const TITLES: ReadonlySet<string> = new Set([
  'mr',
  'mrs',
  'ms',
  'miss',
  'mx',
  'dr',
  'prof',
  'professor',
  'sir',
  'dame',
  'madam',
  'herr',
  'frau',
  'mme',
  'mlle',
]);

/** Capitalised words that end a name candidate: a following one means a place, a firm or a thing. */
export const NOT_NAME_AFTER: ReadonlySet<string> = new Set(
  `street st road rd avenue ave lane boulevard drive square park river county city university college school
  hospital clinic bank company inc ltd llc corp corporation group foundation institute center centre hall
  station airport bridge valley mountain lake beach island church museum library hotel mall market
  monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
  september october november december`
    .split(/\s+/)
    .filter((s) => s.length > 0),
);
