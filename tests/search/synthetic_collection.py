"""A synthetic collection for the search tests: many small testimonies, written with the builder."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from tests.support import builder


_EN = ("the bombing started at dawn and we ran to the shelter under the school while aircraft circled "
       "over the market families carried children and bread through streets of dust and broken glass "
       "my brother counted the dead at the hospital doctors worked without power the white helmets "
       "came with shovels and we waited for news of our neighbours in the camps near the border "
       "winter rain soaked the tents and nobody slept water trucks arrived late protest songs were sung "
       "in the square each friday despite the shelling and the checkpoints").split()
_AR = ("بدأ القصف عند الفجر وركضنا إلى الملجأ تحت المدرسة بينما كانت الطائرات تحلق فوق السوق "
       "حملت العائلات الأطفال والخبز في شوارع الغبار والزجاج المكسور وعد أخي القتلى في المستشفى "
       "عمل الأطباء بلا كهرباء وجاء الدفاع المدني بالمجارف وانتظرنا أخبار جيراننا في المخيمات قرب الحدود").split()
_PLACE_IDS = ("idlib", "saraqib", "maarat-al-numan", "urem-al-kubra", "idlib-district")
_THEME_IDS = ("airstrikes", "barrel-bombs", "displacement", "protest", "violence")


def synthetic_collection(root: Path, count: int, *, seed: int = 7, words: int = 150) -> Path:
    """A deterministic collection of `count` small testimonies: one in five Arabic, a mix of consent."""
    rng = random.Random(seed)
    builder.write_collection(root, vocabulary="search")
    for n in range(count):
        arabic = n % 5 == 4
        vocabulary = _AR if arabic else _EN
        body = "\n\n".join(" ".join(rng.choice(vocabulary) for _ in range(words // 3)) for _ in range(3))
        access = rng.choices(["public", "restricted", "withdrawn"], [90, 7, 3])[0]
        year = 2011 + n % 10
        builder.write_testimony(root, f"doc-{n:05d}", folder=f"{'ar' if arabic else 'en'}/{n % 7}",
                        title=" ".join(rng.choice(vocabulary) for _ in range(6)), body=body,
                        language="ar" if arabic else "en", access=access,
                        places=(rng.choice(_PLACE_IDS),), themes=(rng.choice(_THEME_IDS),),
                        event_date=f"{year}-{1 + n % 12:02d}", summary=" ".join(rng.choice(vocabulary) for _ in range(20)))
    return root


def segmented_index(root: Path) -> Any:
    """160 testimonies indexed in several segments, one of them holding a deleted document (an edit's old
    version): the shapes a ranked search must get right. The caller closes the index."""
    import datetime as dt

    import pytest

    from archive.config import Config
    from search.indexer import update_index
    from search.searcher import SearchIndex

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("search.build.SEGMENT_DOCS", (20, 4000))  # several segments
        config = Config(synthetic_collection(root / "content", 160, words=45), root / "instance")
        update_index(config, dt.date(2024, 6, 1), procs=1)
        # An ordinary edit only marks the old version deleted: a segment with a deleted document.
        builder.write_testimony(config.content, "doc-00003", folder="en/3", title="Bread and glass",
                                body="Bread. Winter.")
        assert update_index(config, dt.date(2024, 6, 1)).updated == ("doc-00003",)
    return SearchIndex(config)
