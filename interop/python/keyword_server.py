"""The keyword tutorial's server, in Python: KeywordService (no proto package).

The tutorial cleans the text with NLTK's tokenizer and English stop list. NLTK's
data cannot be installed here, so this server has a small stop list of its own:
it lower-cases the text, splits it into words, and returns each word that is
not a stop word, once, in order of first appearance. Called by
interop/goclient (our Go keywords client with keywords.WithTutorialServer()).
Stubs: gen/tutorial/.

Usage: /usr/bin/python3 keyword_server.py [PORT]   (0, the default, picks a free port)
"""

import re
import sys
from concurrent import futures

import grpc

import nltk_service_pb2
import nltk_service_pb2_grpc

STOP_WORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been
    before being below between both but by can could did do does doing down during
    each few for from further had has have having he her here hers herself him
    himself his how i if in into is it its itself just me more most my myself no
    nor not now of off on once only or other our ours ourselves out over own same
    she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your yours yourself
    yourselves
    """.split()
)
WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")


def keywords_of(text):
    seen = []
    for word in WORD.findall(text.lower()):
        if word not in STOP_WORDS and len(word) > 1 and word not in seen:
            seen.append(word)
    return seen


class KeywordServiceServicer(nltk_service_pb2_grpc.KeywordServiceServicer):
    def GetKeywords(self, request, context):
        return nltk_service_pb2.Response(keywords=keywords_of(request.text))


def serve(port):
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=10))
    nltk_service_pb2_grpc.add_KeywordServiceServicer_to_server(KeywordServiceServicer(), server)
    bound = server.add_insecure_port("127.0.0.1:%d" % port)
    server.start()
    print("listening on 127.0.0.1:%d" % bound, flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    serve(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
