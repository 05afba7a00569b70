import PetrelCore
import Codecs
import LogStorage
import TSDB
import PromQL
