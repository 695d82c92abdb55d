"""The place, theme and collection files of the test collections: one variant per kind of test.

Pick a variant by name in tests.support.builder.write_collection(vocabulary=...):
"checks" (archive checks: aliases, diacritics, a chain and a lonely camp), "search" (aliases the
search tests look for), "consent" (the consent table: a secret village a place_detail hides),
"reading" (the browser and HTML tests: Arabic names and labels, coordinates for the map).
"""

from __future__ import annotations

COLLECTIONS: dict[str, str] = {
    "checks": """\
title: "Test Archive"
publisher: "Test Publisher"
base_url: "https://archive.example.org"
license: CC-BY-NC-4.0
languages: [en, ar]
""",
    "search": """\
title: "Test Archive"
publisher: "Tests"
base_url: "https://archive.example.org"
license: CC-BY-4.0
languages: [en, ar]
""",
    "consent": """\
title: "Web Test Archive"
description: "Accounts kept for the web tests."
publisher: "Web Test Publisher"
base_url: "https://archive.example.org"
license: CC-BY-NC-4.0
languages: [en, ar]
""",
    "reading": """\
title: "Idlib Testimony Archive"
description: "First-hand accounts of life and war in Idlib, kept with the narrators' consent."
publisher: "Browser Test Publisher"
base_url: "https://archive.example.org"
license: CC-BY-NC-4.0
languages: [en, ar]
""",
}

PLACES: dict[str, str] = {
    "checks": """\
- id: syria
  name: "Syria"
  names: {ar: "سوريا"}
  type: country
- id: idlib-governorate
  name: "Idlib Governorate"
  names: {ar: "محافظة إدلب"}
  aliases: ["Idlib Province"]
  type: governorate
  parent: syria
- id: idlib-district
  name: "Idlib District"
  type: district
  parent: idlib-governorate
- id: idlib
  name: "Idlib"
  names: {ar: "إدلب"}
  aliases: ["Idleb", "Edlib"]
  type: city
  parent: idlib-district
- id: saraqib
  name: "Saraqib"
  names: {ar: "سراقب"}
  aliases: ["Saraqeb", "Sarakib"]
  type: city
  parent: idlib-district
  coordinates: [35.8625, 36.8039]
- id: maarrat-al-numan
  name: "Ma'arrat al-Nu'man"
  names: {ar: "مَعَرَّة النُّعْمَان"}
  aliases: ["Maarat al-Numan"]
  type: city
  parent: idlib-governorate
- id: lonely-camp
  name: "Lonely Camp"
  type: camp
""",
    "search": """\
- id: syria
  name: "Syria"
  names: {ar: "سوريا"}
  type: country
- id: idlib-governorate
  name: "Idlib Governorate"
  names: {ar: "محافظة إدلب"}
  aliases: ["Idleb Province"]
  type: governorate
  parent: syria
- id: idlib-district
  name: "Idlib District"
  type: district
  parent: idlib-governorate
- id: idlib
  name: "Idlib"
  names: {ar: "إدلب"}
  aliases: ["Idleb", "Edlib"]
  type: city
  parent: idlib-district
- id: saraqib
  name: "Saraqib"
  names: {ar: "سراقب"}
  aliases: ["Saraqeb", "Sarakib"]
  type: city
  parent: idlib-district
- id: maarat-al-numan
  name: "Maarat al-Numan"
  names: {ar: "معرة النعمان"}
  aliases: ["Ma'arrat al-Nu'man", "Maarrat al-Numan"]
  type: city
  parent: idlib-governorate
- id: aleppo-governorate
  name: "Aleppo Governorate"
  names: {ar: "محافظة حلب"}
  type: governorate
  parent: syria
- id: urem-al-kubra
  name: "Urem al-Kubra"
  names: {ar: "أورم الكبرى"}
  aliases: ["Orm al-Kubra"]
  type: town
  parent: aleppo-governorate
""",
    "consent": """\
- id: syria
  name: "Syria"
  names: {ar: "سوريا"}
  type: country
- id: idlib-governorate
  name: "Idlib Governorate"
  names: {ar: "محافظة إدلب"}
  type: governorate
  parent: syria
  coordinates: [35.83, 36.64]
- id: idlib-district
  name: "Idlib District"
  type: district
  parent: idlib-governorate
- id: saraqib
  name: "Saraqib"
  names: {ar: "سراقب"}
  aliases: ["Saraqeb"]
  type: city
  parent: idlib-district
  coordinates: [35.8625, 36.8039]
- id: zqsecretvillage
  name: "Zqsecretvillage"
  type: village
  parent: idlib-district
- id: aleppo-governorate
  name: "Aleppo Governorate"
  type: governorate
  parent: syria
""",
    "reading": """\
- id: syria
  name: "Syria"
  names: {ar: "سوريا"}
  type: country
- id: idlib-governorate
  name: "Idlib Governorate"
  names: {ar: "محافظة إدلب"}
  type: governorate
  parent: syria
  coordinates: [35.83, 36.64]
- id: idlib
  name: "Idlib"
  names: {ar: "إدلب"}
  aliases: ["Idleb"]
  type: city
  parent: idlib-governorate
  coordinates: [35.9306, 36.6339]
- id: saraqib
  name: "Saraqib"
  names: {ar: "سراقب"}
  aliases: ["Saraqeb"]
  type: city
  parent: idlib-governorate
  coordinates: [35.8625, 36.8039]
- id: maarrat-al-numan
  name: "Ma'arrat al-Nu'man"
  names: {ar: "معرة النعمان"}
  type: city
  parent: idlib-governorate
  coordinates: [35.6478, 36.6742]
- id: atmeh-camp
  name: "Atmeh camp"
  names: {ar: "مخيم أطمة"}
  type: camp
  parent: idlib-governorate
  coordinates: [36.3289, 36.6861]
""",
}

THEMES: dict[str, str] = {
    "checks": """\
- id: violence
  label: "Violence"
  labels: {ar: "العنف"}
- id: airstrikes
  label: "Airstrikes"
  labels: {ar: "الغارات الجوية"}
  broader: violence
- id: barrel-bombs
  label: "Barrel bombs"
  broader: airstrikes
- id: displacement
  label: "Displacement"
  labels: {ar: "النزوح"}
""",
    "search": """\
- id: violence
  label: "Violence"
- id: airstrikes
  label: "Airstrikes"
  labels: {ar: "الغارات الجوية"}
  broader: violence
- id: barrel-bombs
  label: "Barrel bombs"
  broader: airstrikes
- id: displacement
  label: "Displacement"
- id: protest
  label: "Protest"
""",
    "consent": """\
- id: violence
  label: "Violence"
- id: airstrikes
  label: "Airstrikes"
  labels: {ar: "الغارات الجوية"}
  broader: violence
- id: displacement
  label: "Displacement"
""",
    "reading": """\
- id: violence
  label: "Violence"
  labels: {ar: "العنف"}
- id: airstrikes
  label: "Airstrikes"
  labels: {ar: "الغارات الجوية"}
  broader: violence
- id: displacement
  label: "Displacement"
  labels: {ar: "النزوح"}
- id: daily-life
  label: "Daily life"
  labels: {ar: "الحياة اليومية"}
  description: "Work, school, food and family under war."
""",
}
