import io
import tarfile

from ml.text.corpus import hu_liu_sentences


def _tar_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_reads_the_ground_truth_from_the_nested_archive(tmp_path):
    truth = "1_1\t-0.9\tno picture at all.\n1_2\t0.02\tit is a player.\n2_1\t2.5\tgreat sound, caf\xe9 quality.\n"
    inner = _tar_bytes({"hutto_ICWSM_2014/amazonReviewSnippets_GroundTruth.txt": truth.encode("latin-1")})
    sdist = tmp_path / "vaderSentiment-3.3.2.tar.gz"
    sdist.write_bytes(_tar_bytes({"vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz": inner}))
    frame = hu_liu_sentences(sdist)
    assert frame["review"].tolist() == ["1", "1", "2"]
    assert frame["label"].tolist() == ["negative", "neutral", "positive"]
    assert frame["text"].iloc[2] == "great sound, caf\xe9 quality."
